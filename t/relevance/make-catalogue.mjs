// Turns catalogue.txt (hand-written French resources) into catalogue.jsonl,
// the canonical record format (../shared/catalogue/README.md). Deterministic:
//   node t/relevance/make-catalogue.mjs > t/relevance/catalogue.jsonl
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const src = readFileSync(join(here, 'catalogue.txt'), 'utf8');

// the README's slug: accents folded, lower case, runs of other characters
// one '-', trimmed, cut at 80
export function slug(s) {
    return s.normalize('NFD').replace(/\p{M}/gu, '')
        .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
        .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
        .slice(0, 80).replace(/-+$/, '');
}

const records = [];
let cur = null;
let lineNo = 0;
function fail(msg) { throw new Error(`catalogue.txt:${lineNo}: ${msg}`); }

for (const line of src.split('\n')) {
    lineNo++;
    if (line.startsWith('#') || line.trim() === '') continue;
    if (line.startsWith('@ ')) {
        const [type, date, ...opts] = line.slice(2).split('|').map(s => s.trim());
        cur = { type, date: date === '-' ? null : date, opts: opts.join(' ').split(/\s+/).filter(Boolean),
                title: null, keywords: [], tags: [], summary: null, body: [], links: [], line: lineNo };
        records.push(cur);
        continue;
    }
    if (!cur) fail('text before the first record');
    const m = /^(T|K|S|B|L|tags):\s?(.*)$/.exec(line);
    if (!m) fail(`unknown line: ${line}`);
    const [, tag, text] = m;
    if (tag === 'T') cur.title = text;
    else if (tag === 'K') cur.keywords = text.split(';').map(s => s.trim()).filter(Boolean);
    else if (tag === 'tags') cur.tags = text.split(';').map(s => s.trim()).filter(Boolean);
    else if (tag === 'S') cur.summary = text;
    else if (tag === 'L') { const [label, url] = text.split('|').map(s => s.trim()); cur.links.push({ label, url: url || null }); }
    else if (/^Téléchargez /.test(text)) cur.links.push({ label: text, url: null });
    else cur.body.push(text);
}

const seen = new Set();
const out = [];
for (const r of records) {
    lineNo = r.line;
    if (!r.title || !r.body.length) fail('a record needs T: and B:');
    let id = slug(r.title);
    const opt = Object.fromEntries(r.opts.map(o => o.includes('=') ? o.split('=') : [o, true]));
    if (opt.id) id = opt.id;
    for (let n = 2; seen.has(id); n++) id = `${slug(r.title).slice(0, 76)}-${n}`;
    seen.add(id);
    let series = null, number = null;
    let sm = /^Fiche (Déniché pour vous) n°(\d+)/.exec(r.title) || /^(Points de repère) n°(\d+)/.exec(r.title);
    if (sm) { series = sm[1]; number = +sm[2]; }
    const rec = {
        id, title: r.title, type: r.type, private: !!opt.prive,
        date: r.date, updated: opt.maj || null, keywords: r.keywords,
    };
    if (r.tags.length) rec.tags = r.tags;
    rec.series = series;
    rec.number = number;
    rec.summary = r.summary ?? r.body[0];
    rec.body = r.body.join('\n\n');
    rec.links = r.links;
    out.push(JSON.stringify(rec));
}
process.stdout.write(out.join('\n') + '\n');
