// make relevance: the judged set of t/relevance/ (issue #22, "Proof")
// searched by MiniSearch, lunr with lunr-languages' French stemmer, and the
// module (build/ngx_http_resources_module.so in Debian's nginx, public
// location); prints success@1, success@3 and nDCG@10 per engine, overall and
// per category, and writes the table to build/relevance/results.md.
//
//   node bench/relevance/run.mjs [--deps DIR] [--out DIR] [--engines a,b,c]
//                                [--show CATEGORY|all]
//
// --deps: where npm installed bench/relevance/package.json (default
// build/relevance); --out: where the snapshot, nginx's prefix and the
// results go (default build/relevance); --show: print each query's top 3
// per engine (for a category, or all).
// Environment: NGINX (default /usr/sbin/nginx), RESOURCES_MODULE,
// RESOURCES_LOADER (default build/...).

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { resolve, join } from 'node:path';
import net from 'node:net';
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
};
const root = resolve(new URL('../..', import.meta.url).pathname);
const depsDir = resolve(root, opt('--deps', 'build/relevance'));
const outDir = resolve(root, opt('--out', 'build/relevance'));
const engines = opt('--engines', 'module,minisearch,lunr').split(',');
const show = opt('--show', null);
const nginxBin = process.env.NGINX || '/usr/sbin/nginx';
const moduleSo = resolve(root, process.env.RESOURCES_MODULE || 'build/ngx_http_resources_module.so');
const loader = resolve(root, process.env.RESOURCES_LOADER || 'build/resources-load');
const catalogue = join(root, 't/relevance/catalogue.jsonl');
const queriesFile = join(root, 't/relevance/queries.tsv');

// ---------------------------------------------------------------- the set

const records = readFileSync(catalogue, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
// the public location's view: what a visitor's search box sees
const publicRecords = records.filter(r => !r.private);

const queries = [];
for (const line of readFileSync(queriesFile, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [category, query, judged] = line.split('\t');
    const grades = new Map(judged.trim().split(/\s+/).map(j => {
        const k = j.lastIndexOf(':');
        return [j.slice(0, k), +j.slice(k + 1)];
    }));
    queries.push({ category, query, grades });
}
const categories = [...new Set(queries.map(q => q.category))];

// ---------------------------------------------------------------- metrics

function successAt(k, ranked, grades) {
    return ranked.slice(0, k).some(id => grades.get(id) === 2) ? 1 : 0;
}

// graded gain 2^g - 1, log2 discount, ideal order from the judgments
function ndcgAt(k, ranked, grades) {
    const gain = g => (2 ** g) - 1;
    let dcg = 0;
    ranked.slice(0, k).forEach((id, i) => { dcg += gain(grades.get(id) || 0) / Math.log2(i + 2); });
    const ideal = [...grades.values()].sort((a, b) => b - a).slice(0, k);
    let idcg = 0;
    ideal.forEach((g, i) => { idcg += gain(g) / Math.log2(i + 2); });
    return idcg ? dcg / idcg : 0;
}

// ---------------------------------------------------------------- engines

const require = createRequire(join(depsDir, 'package.json'));
const FIELDS = ['title', 'keywords', 'summary', 'body'];
// the module's own field weights (docs/api.md): title 8, keywords 4,
// summary 2, body 1
const BOOST = { title: 8, keywords: 4, summary: 2, body: 1 };
const doc = r => ({ id: r.id, title: r.title, keywords: r.keywords.join(' ; '),
                    summary: r.summary || '', body: r.body || '' });

function miniSearchEngine() {
    const MiniSearch = require('minisearch');
    // accents folded and lower case, as a French site configures it
    // (MiniSearch's default only lowercases); default tokenizer (spaces and
    // punctuation, apostrophes and dashes included); default OR of the terms
    const fold = t => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const ms = new MiniSearch({ fields: FIELDS, idField: 'id', processTerm: fold,
                                searchOptions: { boost: BOOST, fuzzy: 0.2, prefix: true } });
    ms.addAll(publicRecords.map(doc));
    return q => ms.search(q).slice(0, 10).map(r => r.id);
}

function lunrEngine() {
    const lunr = require('lunr');
    require('lunr-languages/lunr.stemmer.support')(lunr);
    require('lunr-languages/lunr.fr')(lunr);
    const idx = lunr(function () {
        this.use(lunr.fr);
        this.ref('id');
        for (const f of FIELDS) this.field(f, { boost: BOOST[f] });
        for (const r of publicRecords) this.add(doc(r));
    });
    // the query string as typed, in lunr's own syntax (-word excludes; a
    // query lunr cannot parse finds nothing)
    return q => {
        try {
            return idx.search(q).slice(0, 10).map(r => r.ref);
        } catch (e) {
            return [];
        }
    };
}

function freePort() {
    return new Promise((res, rej) => {
        const s = net.createServer();
        s.unref();
        s.on('error', rej);
        s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    });
}

function get(port, path) {
    return new Promise((res, rej) => {
        http.get({ host: '127.0.0.1', port, path, agent: keepAlive }, r => {
            let body = '';
            r.setEncoding('utf8');
            r.on('data', c => { body += c; });
            r.on('end', () => res({ status: r.statusCode, body }));
        }).on('error', rej);
    });
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

// nginx in the foreground, one process (master_process off: no user to
// switch to, nothing outside the prefix), on a free loopback port
async function moduleEngine() {
    const prefix = join(outDir, 'nginx');
    rmSync(prefix, { recursive: true, force: true });
    for (const d of ['conf', 'logs', 'tmp']) mkdirSync(join(prefix, d), { recursive: true });
    const snapshot = join(outDir, 'catalogue.mdb');
    // the module searches with the set's synonyms (resources-load --synonyms);
    // RESOURCES_SYNONYMS=0 leaves them out, for comparison
    const syn = process.env.RESOURCES_SYNONYMS === '0' ? []
        : ['--synonyms', resolve(root, 't/relevance/synonyms.txt')];
    execFileSync(loader, ['-q', '--force', ...syn, '-o', snapshot, catalogue], { stdio: ['ignore', 'inherit', 'inherit'] });
    const port = await freePort();
    const conf = `load_module ${moduleSo};
daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
lock_file logs/nginx.lock;
error_log logs/error.log notice;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    resources_db ${snapshot};
    server {
        listen 127.0.0.1:${port};
        server_name localhost;
        location /resources { resources; }
    }
}
`;
    writeFileSync(join(prefix, 'conf/nginx.conf'), conf);
    const child = spawn(nginxBin, ['-p', prefix + '/', '-c', 'conf/nginx.conf', '-e', 'stderr'],
                        { stdio: ['ignore', 'inherit', 'inherit'] });
    let exited = false;
    child.on('exit', () => { exited = true; });
    for (let i = 0; ; i++) {
        if (exited) throw new Error('nginx exited at start (see above)');
        try {
            const r = await get(port, '/resources/_meta');
            if (r.status === 200) break;
        } catch (e) { /* not yet listening */ }
        if (i > 100) { child.kill('SIGKILL'); throw new Error('nginx did not answer on port ' + port); }
        await new Promise(r => setTimeout(r, 50));
    }
    const search = async q => {
        const r = await get(port, '/resources?q=' + encodeURIComponent(q) + '&limit=10');
        if (r.status !== 200) return { ids: [], status: r.status };
        return { ids: JSON.parse(r.body).items.map(i => i.id), status: 200 };
    };
    const stop = () => new Promise(res => {
        keepAlive.destroy();
        if (exited) return res();
        child.on('exit', res);
        child.kill('SIGQUIT');
        setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000).unref();
    });
    return { search, stop, port };
}

// ---------------------------------------------------------------- run

const results = {};     // engine -> [{ranked, s1, s3, ndcg, status}]
const names = { module: 'module', minisearch: 'MiniSearch', lunr: 'lunr (fr)' };

for (const e of engines) {
    const rows = [];
    if (e === 'module') {
        const m = await moduleEngine();
        try {
            for (const q of queries) {
                const { ids, status } = await m.search(q.query);
                rows.push({ ranked: ids, status });
            }
        } finally {
            await m.stop();
        }
    } else if (e === 'minisearch' || e === 'lunr') {
        const search = e === 'minisearch' ? miniSearchEngine() : lunrEngine();
        for (const q of queries) rows.push({ ranked: search(q.query), status: 200 });
    } else {
        throw new Error('unknown engine ' + e);
    }
    rows.forEach((r, i) => {
        const g = queries[i].grades;
        r.s1 = successAt(1, r.ranked, g);
        r.s3 = successAt(3, r.ranked, g);
        r.ndcg = ndcgAt(10, r.ranked, g);
    });
    results[e] = rows;
}

const mean = xs => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
const f2 = x => x.toFixed(2);
const header = ['category', 'queries', ...engines.flatMap(e => [`${names[e]} s@1`, 's@3', 'nDCG@10'])];
const table = [];
for (const c of [...categories, 'all']) {
    const idx = queries.map((q, i) => (c === 'all' || q.category === c) ? i : -1).filter(i => i >= 0);
    const row = [c === 'all' ? '**all**' : c, String(idx.length)];
    for (const e of engines) {
        const rs = idx.map(i => results[e][i]);
        row.push(f2(mean(rs.map(r => r.s1))), f2(mean(rs.map(r => r.s3))), f2(mean(rs.map(r => r.ndcg))));
    }
    table.push(row);
}

const md = [
    `| ${header.join(' | ')} |`,
    `|${header.map((h, i) => i < 2 ? '---' : '---:').join('|')}|`,
    ...table.map(r => `| ${r.join(' | ')} |`),
].join('\n');

const errors = engines.map(e => {
    const bad = results[e].filter(r => r.status !== 200).length;
    const empty = results[e].filter(r => r.ranked.length === 0).length;
    return `${names[e]}: ${empty} of ${queries.length} queries found nothing` + (bad ? ` (${bad} not 200)` : '');
});

const text = `# make relevance: ${queries.length} queries, ${publicRecords.length} public records ` +
    `(${records.length - publicRecords.length} private left out: the public location)\n\n${md}\n\n` +
    errors.map(l => `- ${l}`).join('\n') + '\n';

// the plain-text table, columns aligned
const widths = header.map((h, i) => Math.max(h.length, ...table.map(r => r[i].length)));
const line = r => r.map((c, i) => i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join('  ');
console.log(line(header));
for (const r of table) console.log(line(r));
for (const l of errors) console.log(l);

if (show) {
    queries.forEach((q, i) => {
        if (show !== 'all' && q.category !== show) return;
        console.log(`\n[${q.category}] ${q.query}`);
        for (const e of engines) {
            const r = results[e][i];
            const top = r.ranked.slice(0, 3).map(id => `${id.slice(0, 40)}(${q.grades.get(id) || 0})`).join(' ');
            console.log(`  ${names[e].padEnd(10)} s@1=${r.s1} nDCG=${f2(r.ndcg)}  ${top || '(nothing)'}`);
        }
    });
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'results.md'), text);
// per query, for whoever improves the search
writeFileSync(join(outDir, 'results.tsv'),
    ['category\tquery\t' + engines.map(e => `${e} s@1\t${e} s@3\t${e} nDCG@10\t${e} top3`).join('\t'),
     ...queries.map((q, i) => `${q.category}\t${q.query}\t` + engines.map(e => {
         const r = results[e][i];
         return `${r.s1}\t${r.s3}\t${f2(r.ndcg)}\t${r.ranked.slice(0, 3).join(' ')}`;
     }).join('\t'))].join('\n') + '\n');
console.log(`\nwritten: ${join(outDir, 'results.md')}, results.tsv`);
