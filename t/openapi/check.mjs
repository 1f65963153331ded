// docs/openapi.yaml checked as a document (OpenAPI 3.1, with
// @seriousme/openapi-schema-validator) and against real answers of the module
// (ajv, JSON Schema draft 2020-12); run by t/085-openapi.t:
//
//   API_URL=http://127.0.0.1:P/resources node --test t/openapi/check.mjs
//
// API_URL: a public location with resources_cors * serving the sample
// catalogue t/data/sample.jsonl.  Optional: NOCORS_URL (the same without
// CORS: OPTIONS is a 405), UNAVAILABLE_URL (a location whose snapshot does not
// exist: 503), OPENAPI_FILE (default docs/openapi.yaml).
//
// A real answer is matched to the document by its path (API_URL's prefix is
// the document's /resources), method and status: the status must be
// documented, the body must match the documented media type's schema, the
// documented required headers must be there, and every documented header
// present must match its schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
const SPEC_FILE = process.env.OPENAPI_FILE || path.resolve(here, '../../docs/openapi.yaml');
const API_URL = (process.env.API_URL || '').replace(/\/+$/, '');
const NOCORS_URL = (process.env.NOCORS_URL || '').replace(/\/+$/, '');
const UNAVAILABLE_URL = (process.env.UNAVAILABLE_URL || '').replace(/\/+$/, '');
const PREFIX = '/resources';   // the document's location prefix
const SPEC_ID = 'https://resources.invalid/openapi.json';

if (!API_URL) throw new Error('API_URL must be set (see the top of this file)');

const spec = YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });

// --- helpers

const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
const unesc = (k) => k.replace(/~1/g, '/').replace(/~0/g, '~');

function at(ptr) {
  let v = spec;
  for (const k of ptr.replace(/^#\/?/, '').split('/').filter((x) => x !== '').map(unesc)) {
    if (v === null || typeof v !== 'object' || !(k in v)) return undefined;
    v = v[k];
  }
  return v;
}

// Follow $ref (local only): { obj, ptr }.
function deref(obj, ptr) {
  const seen = new Set();
  while (obj && typeof obj === 'object' && typeof obj.$ref === 'string') {
    assert.ok(obj.$ref.startsWith('#/'), `only local $ref: ${obj.$ref}`);
    assert.ok(!seen.has(obj.$ref), `a $ref loop at ${obj.$ref}`);
    seen.add(obj.$ref);
    ptr = obj.$ref;
    obj = at(ptr);
    assert.ok(obj !== undefined, `$ref ${ptr} resolves`);
  }
  return { obj, ptr };
}

const compiled = new Map();
function validatorAt(ptr) {
  if (!compiled.has(ptr)) {
    compiled.set(ptr, ajv.compile({ $ref: `${SPEC_ID}#${encodeURI(ptr.replace(/^#/, ''))}` }));
  }
  return compiled.get(ptr);
}

function validate(ptr, value, what) {
  const v = validatorAt(ptr);
  const ok = v(value);
  assert.ok(ok, `${what}: does not match ${ptr}:\n${ajv.errorsText(v.errors, { separator: '\n' })}\n`
    + `value: ${JSON.stringify(value).slice(0, 2000)}`);
}

// The document's path item for a path under the prefix ("", "/_meta", "/x").
function pathItem(rest) {
  const want = PREFIX + rest;
  let best = null;
  for (const key of Object.keys(spec.paths)) {
    const re = new RegExp(`^${key.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (!re.test(want)) continue;
    const templated = key.includes('{');
    if (!best || (best.templated && !templated)) best = { key, templated };   // concrete paths first
  }
  return best && { key: best.key, ptr: `#/paths/${esc(best.key)}`, item: spec.paths[best.key] };
}

// Ask the server; check the answer against the document. Returns
// { res, body, data, op }.
async function check(base, rest, opts = {}) {
  const method = (opts.method || 'GET').toUpperCase();
  const url = base + rest;
  const res = await fetch(url, { method, headers: opts.headers || {}, redirect: 'manual' });
  const body = await res.text();
  const what = `${method} ${url} (${res.status})`;
  if (opts.status) assert.equal(res.status, opts.status, `${what}: status`);

  const pathOnly = rest.replace(/\?.*$/, '');
  let response;
  let rptr;
  if (opts.responsePtr) {
    ({ obj: response, ptr: rptr } = deref(at(opts.responsePtr), opts.responsePtr));
  } else {
    const pi = pathItem(pathOnly);
    assert.ok(pi, `${what}: no path of the document matches ${PREFIX}${pathOnly}`);
    const op = pi.item[method.toLowerCase()];
    assert.ok(op, `${what}: ${pi.key} documents no ${method}`);
    const rp = `${pi.ptr}/${method.toLowerCase()}/responses/${res.status}`;
    assert.ok(op.responses[String(res.status)], `${what}: status ${res.status} is not documented for ${method} ${pi.key}`);
    ({ obj: response, ptr: rptr } = deref(op.responses[String(res.status)], rp));
  }

  // headers
  for (const [name, h0] of Object.entries(response.headers || {})) {
    const { obj: h, ptr: hptr } = deref(h0, `${rptr}/headers/${esc(name)}`);
    const v = res.headers.get(name);
    if (h.required) assert.ok(v !== null, `${what}: header ${name} is required`);
    if (v === null || !h.schema) continue;
    const schema = deref(h.schema, `${hptr}/schema`).obj;
    const value = (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    validate(`${hptr}/schema`, value, `${what}: header ${name}`);
  }

  // body
  let data;
  if (response.content && method !== 'HEAD') {
    const ct = (res.headers.get('content-type') || '').split(';')[0].trim();
    assert.ok(response.content[ct], `${what}: Content-Type ${ct} is not documented (${Object.keys(response.content)})`);
    const mptr = `${rptr}/content/${esc(ct)}/schema`;
    if (ct === 'application/json') {
      assert.match(res.headers.get('content-type'), /charset=utf-8/i);
      data = JSON.parse(body);
      validate(mptr, data, what);
    } else {
      validate(mptr, body, what);
    }
  } else {
    assert.equal(body, '', `${what}: no body`);
  }
  return { res, body, data };
}

// Every $ref of the document, with where it is.
function refs(v, where = '#', out = []) {
  if (Array.isArray(v)) v.forEach((x, i) => refs(x, `${where}/${i}`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push([where, x]);
      else refs(x, `${where}/${esc(k)}`, out);
    }
  }
  return out;
}

// Every media type object with its pointer.
function mediaTypes() {
  const out = [];
  const visitResponses = (responses, ptr) => {
    for (const [status, r] of Object.entries(responses || {})) {
      if (r.$ref) continue;   // checked where it is defined
      for (const [ct, m] of Object.entries(r.content || {})) out.push([`${ptr}/${esc(status)}/content/${esc(ct)}`, m]);
    }
  };
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op && typeof op === 'object' && op.responses) visitResponses(op.responses, `#/paths/${esc(p)}/${method}/responses`);
    }
  }
  visitResponses(spec.components.responses, '#/components/responses');
  return out;
}

const METHODS = ['get', 'head', 'options', 'post', 'put', 'patch', 'delete', 'trace'];

// --- the document

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const res = await validator.validate(structuredClone(spec));
  assert.ok(res.valid, `not valid:\n${JSON.stringify(res.errors, null, 2)}`);
  assert.equal(validator.version, '3.1');
  assert.match(spec.openapi, /^3\.1\.\d+$/);
  for (const [where, ref] of refs(spec)) {
    assert.ok(ref.startsWith('#/') && at(ref) !== undefined, `${where}: $ref ${ref} does not resolve`);
  }
  // every schema of the components compiles
  for (const name of Object.keys(spec.components.schemas)) validatorAt(`#/components/schemas/${name}`);
});

test('every route, parameter and answer is described', () => {
  const want = ['/resources', '/resources/{id}', '/resources/_meta', '/resources/_keywords',
    '/resources/_types', '/resources/_feed'];
  assert.deepEqual(Object.keys(spec.paths).sort(), want.sort());
  const ids = new Set();
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const m of ['get', 'head', 'options']) assert.ok(item[m], `${p}: ${m}`);
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      assert.ok(op.operationId && !ids.has(op.operationId), `${p} ${m}: a unique operationId`);
      ids.add(op.operationId);
      assert.ok(op.summary, `${p} ${m}: a summary`);
      for (const [status, r] of Object.entries(op.responses)) {
        assert.ok(deref(r).obj.description, `${p} ${m} ${status}: a description`);
      }
    }
    const get = item.get.responses;
    assert.ok(get['200'] && get['304'] && get['503'], `${p}: GET answers 200, 304, 503`);
    assert.deepEqual(Object.keys(item.options.responses).sort(), ['204', '405'], `${p}: OPTIONS`);
  }
  assert.ok(spec.paths['/resources/{id}'].get.responses['404'], 'a lookup may be a 404');
  for (const p of ['/resources', '/resources/_keywords', '/resources/_types', '/resources/_feed']) {
    assert.ok(spec.paths[p].get.responses['400'], `${p}: 400`);
  }

  const P = spec.components.parameters;
  for (const n of ['Kw', 'Type', 'Series']) {
    assert.equal(P[n].style, 'form');
    assert.equal(P[n].explode, true, `${n} is repeatable`);
    assert.equal(P[n].schema.type, 'array');
    assert.equal(P[n].schema.maxItems, 16);
  }
  assert.deepEqual(P.Sort.schema.enum, ['newest', 'oldest', 'title', 'updated', 'relevance']);
  assert.deepEqual(P.Format.schema.enum, ['json', 'html']);
  assert.deepEqual(P.Facets.schema.items.enum, ['kw', 'type', 'year']);
  assert.equal(P.Facets.explode, false, 'facets is comma-separated');
  assert.deepEqual([P.Limit.schema.minimum, P.Limit.schema.maximum], [0, 100]);
  assert.deepEqual([P.Offset.schema.minimum, P.Offset.schema.maximum], [0, 1000000000]);
  assert.deepEqual([P.FacetLimit.schema.minimum, P.FacetLimit.schema.maximum], [1, 100]);
  const list = spec.paths['/resources'].get.parameters.map((x) => deref(x).obj.name);
  assert.deepEqual(list.filter((n) => !/^If-/.test(n)),
    ['kw', 'type', 'series', 'q', 'from', 'to', 'sort', 'limit', 'offset', 'facets', 'facet_limit', 'typos', 'highlight', 'crop', 'format']);
  assert.deepEqual([P.Crop.schema.minimum, P.Crop.schema.maximum], [1, 200]);

  const S = spec.components.schemas;
  assert.deepEqual(S.ListItem.required,
    ['id', 'title', 'type', 'private', 'date', 'updated', 'keywords', 'series', 'number', 'summary']);
  assert.equal(S.ListItem.additionalProperties, false);
  assert.equal(S.Resource.additionalProperties, true, 'extra fields of a record are served');
  for (const f of ['date', 'updated', 'series']) assert.deepEqual(S.ListItem.properties[f].type, ['string', 'null']);
  assert.deepEqual(S.ListItem.properties.number.type, ['integer', 'null']);
  assert.deepEqual(S.Error.properties.error.properties.status.enum, [400, 404, 405, 503]);
});

test('every example matches its schema', () => {
  let n = 0;
  for (const [ptr, m] of mediaTypes()) {
    if (!m.schema) continue;
    for (const [name, ex0] of Object.entries(m.examples || {})) {
      const ex = deref(ex0).obj;
      validate(`${ptr}/schema`, ex.value, `example ${name} of ${ptr}`);
      n++;
    }
    if ('example' in m) { validate(`${ptr}/schema`, m.example, `example of ${ptr}`); n++; }
  }
  for (const [pname, p] of Object.entries(spec.components.parameters)) {
    for (const [name, ex] of Object.entries(p.examples || {})) {
      validate(`#/components/parameters/${pname}/schema`, ex.value, `example ${name} of parameter ${pname}`);
      n++;
    }
  }
  assert.ok(n >= 20, `${n} examples checked`);
});

test('the schemas are not vacuous', () => {
  const item = spec.paths['/resources'].get.responses['200'].content['application/json'].examples.qpv.value.items[0];
  const bad = (ptr, value, why) => assert.equal(validatorAt(ptr)(value), false, `${why} must not match ${ptr}`);
  const L = '#/components/schemas/List';
  bad(L, { total: '3', offset: 0, limit: 20, items: [] }, 'a total as a string');
  bad(L, { total: 3, offset: 0, limit: 20 }, 'no items');
  bad(L, { total: 3, offset: 0, limit: 20, items: [], extra: 1 }, 'an unknown field');
  bad(L, { total: 0, offset: 0, limit: 0, items: [], facets: { author: [] } }, 'an unknown facet');
  bad('#/components/schemas/ListItem', { ...item, body: 'x' }, 'a list item with a body');
  const { updated, ...noUpdated } = item;
  bad('#/components/schemas/ListItem', noUpdated, 'a list item without updated');
  bad('#/components/schemas/ListItem', { ...item, date: '2023-13' }, 'a bad month');
  bad('#/components/schemas/ListItem', { ...item, updated: '2023-02-30' }, 'a day that does not exist');
  bad('#/components/schemas/ListItem', { ...item, number: -1 }, 'a negative number');
  bad('#/components/schemas/ListItem', { ...item, id: 'Not-An-Id' }, 'an id with capitals');
  bad('#/components/schemas/Error', { error: { status: 500, message: 'x' } }, 'a 500');
  bad('#/components/schemas/BadRequestError', { error: { status: 404, message: 'x' } }, 'a 404 as a 400');
  bad('#/components/schemas/Meta', { version: 'v1', built: 'now', total: 0, keywords: 0, types: [] }, 'a bad version');
  assert.ok(validatorAt('#/components/schemas/ListItem')({ ...item, date: null, updated: '2024-02-29', series: null }));
});

// --- real answers

const HTTP = (ptr) => ({ responsePtr: ptr });
let etag;
let lastModified;

test('the list: plain, with facets, with q, paged, empty', async () => {
  let r = await check(API_URL, '?kw=QPV', { status: 200 });
  assert.equal(r.data.total, 3);
  assert.equal(r.data.items.length, 3);
  assert.equal(r.res.headers.get('access-control-allow-origin'), '*');
  etag = r.res.headers.get('etag');
  lastModified = r.res.headers.get('last-modified');

  r = await check(API_URL, '?kw=qpv&facets=kw,type,year&limit=0', { status: 200 });
  assert.deepEqual(Object.keys(r.data.facets), ['kw', 'type', 'year']);
  r = await check(API_URL, '?facets=kw&facet_limit=2', { status: 200 });
  assert.deepEqual(Object.keys(r.data.facets), ['kw']);
  assert.equal(r.data.facets.kw.length, 2);
  r = await check(API_URL, '?q=tiers%20lie', { status: 200 });
  assert.equal(r.data.total, 2);
  r = await check(API_URL, '?q=%C3%A9conomie+sociale&sort=relevance&limit=100', { status: 200 });
  r = await check(API_URL, '?q=tiers+OR+garage+-cantine+%22tiers+lieux%22&facets=kw', { status: 200 });
  assert.equal(r.data.total, 1);
  assert.equal(r.data.query, undefined, 'no "query" when nothing is ignored');
  r = await check(API_URL, '?q=tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+zorglub+-%22a+b%22&facets=kw', { status: 200 });
  assert.deepEqual(Object.keys(r.data), ['total', 'offset', 'limit', 'items', 'facets', 'query']);
  assert.deepEqual(r.data.query, { ignored: ['zorglub', '-"a b"'] });
  r = await check(API_URL, '?q=coop%C3%A9ration&highlight=1&crop=5', { status: 200 });
  assert.ok(r.data.items.every((it) => typeof it.highlight.title === 'string'), 'highlight: every item');
  r = await check(API_URL, '?highlight=summary&limit=100', { status: 200 });
  assert.ok(r.data.items.every((it) => !('title' in it.highlight) && !/<mark>/.test(it.highlight.summary)),
    'highlight without q: no mark');
  r = await check(API_URL, '?highlight=1&crop=0', { status: 400 });
  r = await check(API_URL, '?sort=title&limit=2&offset=4', { status: 200 });
  assert.equal(r.data.items.length, 2);
  r = await check(API_URL, '?kw=QPV&kw=tiers-lieux&type=autres&type=Ressources%20RTES&from=2023&to=2024-06', { status: 200 });
  r = await check(API_URL, '?kw=nothing-like-this', { status: 200 });
  assert.deepEqual(r.data.items, []);
  r = await check(API_URL, '/?limit=1', { status: 200, responsePtr: '#/paths/~1resources/get/responses/200' });
  assert.equal(r.data.items.length, 1, '/resources/ is the list too');
});

test('a lookup, _meta, _keywords, _types, _feed', async () => {
  let r = await check(API_URL, '/webinaire-monnaies-locales', { status: 200 });
  assert.equal(r.data.id, 'webinaire-monnaies-locales');
  r = await check(API_URL, '/fiche-deniche-12-la-cantine-partagee', { status: 200 });
  assert.deepEqual(r.data.links, [{ label: 'Téléchargez la fiche n°12', url: null }]);
  r = await check(API_URL, '/catalogue-ess-et-quartiers', { status: 200 });
  assert.equal(r.data.date, null);

  r = await check(API_URL, '/_meta', { status: 200 });
  assert.equal(`"${r.data.version}"`, etag, 'the version is the ETag');
  r = await check(API_URL, '/_keywords?prefix=ti', { status: 200 });
  r = await check(API_URL, '/_keywords', { status: 200 });
  r = await check(API_URL, '/_keywords?prefix=%C3%A9co&limit=1', { status: 200 });
  r = await check(API_URL, '/_types', { status: 200 });
  r = await check(API_URL, '/_types?prefix=zzz', { status: 200 });
  assert.deepEqual(r.data.items, []);
  r = await check(API_URL, '/_feed?kw=QPV', { status: 200 });
  assert.match(r.body, /<entry>/);
});

test('the documented examples are the real answers', async () => {
  let n = 0;
  for (const [ptr, m] of mediaTypes()) {
    for (const [name, ex0] of Object.entries(m.examples || {})) {
      const ex = deref(ex0).obj;
      if (!ex['x-request']) continue;
      assert.ok(ex['x-request'].startsWith(PREFIX), `${ptr} ${name}: x-request starts with ${PREFIX}`);
      const rest = ex['x-request'].slice(PREFIX.length);
      const res = await fetch(API_URL + rest);
      const got = await res.json();
      const want = structuredClone(ex.value);
      for (const k of ex['x-ignore'] || []) {
        assert.ok(k in got, `${ex['x-request']}: ${k}`);
        delete got[k];
        delete want[k];
      }
      assert.deepEqual(got, want, `example ${name} of ${ptr} (${ex['x-request']})`);
      n++;
    }
  }
  assert.ok(n >= 10, `${n} examples compared`);
});

test('errors: 400, 404, 405, 503', async () => {
  for (const q of ['?limit=abc', '?limit=101', '?from=2024-13', '?sort=random', '?facets=author',
    '?q=a&q=b', '?offset=-1', '?facet_limit=0', '?kw=', '?from=2024&to=2023', '?q=%FF', '?q=%zz']) {
    const r = await check(API_URL, q, { status: 400 });
    assert.equal(r.data.error.status, 400);
  }
  for (const q of ['/_keywords?limit=1000', '/_types?limit=x', '/_feed?limit=abc']) {
    await check(API_URL, q, { status: 400 });
  }
  let r = await check(API_URL, '/note-interne-budget-2025', { status: 404 });
  assert.equal(r.data.error.message, 'no resource with this id');
  await check(API_URL, '/No-Such-Id', { status: 404 });
  await check(API_URL, '/_nothing', { status: 404 });

  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    r = await check(API_URL, '?kw=QPV', { method, status: 405, ...HTTP('#/components/responses/MethodNotAllowed') });
    assert.equal(r.res.headers.get('allow'), 'GET, HEAD');
  }
  if (NOCORS_URL) {
    r = await fetch(NOCORS_URL + '/_meta', { method: 'OPTIONS' });
    assert.equal(r.status, 405);
    // the same route, described with the document's path
    await check(NOCORS_URL, '/_meta', { method: 'OPTIONS', status: 405 });
  }
  if (UNAVAILABLE_URL) {
    for (const rest of ['', '/_meta', '/webinaire-monnaies-locales', '/_types']) {
      r = await check(UNAVAILABLE_URL, rest, { status: 503 });
      assert.match(r.res.headers.get('retry-after'), /^\d+$/);
    }
  }
});

test('format=html: fragments, their errors, the Link header', async () => {
  let r = await check(API_URL, '?kw=QPV&limit=2&format=html', { status: 200 });
  assert.match(r.res.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.match(r.body, /^<div class="resources" data-total="3" data-offset="0" data-limit="2">/);
  assert.equal(r.res.headers.get('link'),
    '<?kw=QPV&limit=2&format=html&offset=0>; rel="first", <?kw=QPV&limit=2&format=html&offset=2>; rel="next", '
    + '<?kw=QPV&limit=2&format=html&offset=2>; rel="last"');
  r = await check(API_URL, '?kw=QPV&limit=2', { status: 200 });
  assert.match(r.res.headers.get('link'), /^<\?kw=QPV&limit=2&offset=0>; rel="first"/);
  r = await check(API_URL, '/webinaire-monnaies-locales?format=html', { status: 200 });
  assert.match(r.body, /^<article class="resource resource-full" data-id="webinaire-monnaies-locales">/);
  r = await check(API_URL, '/note-interne-budget-2025?format=html', { status: 404 });
  assert.equal(r.body, '<p class="resources-error" role="alert">no resource with this id</p>\n');
  r = await check(API_URL, '?format=html&limit=abc', { status: 400 });
  assert.match(r.res.headers.get('content-type'), /^text\/html/);
});

test('304, HEAD and the CORS preflight', async () => {
  assert.ok(etag && lastModified);
  await check(API_URL, '?kw=QPV', { headers: { 'If-None-Match': etag }, status: 304 });
  await check(API_URL, '/_meta', { headers: { 'If-Modified-Since': lastModified }, status: 304 });
  await check(API_URL, '/webinaire-monnaies-locales', { headers: { 'If-None-Match': etag }, status: 304 });
  await check(API_URL, '/_keywords', { headers: { 'If-None-Match': etag }, status: 304 });
  const r = await check(API_URL, '?kw=QPV', { method: 'HEAD', status: 200 });
  assert.equal(r.res.headers.get('etag'), etag);
  await check(API_URL, '/no-such-id', { method: 'HEAD', status: 404 });
  await check(API_URL, '?limit=x', { method: 'HEAD', status: 400 });
  const p = await check(API_URL, '?kw=QPV', {
    method: 'OPTIONS',
    headers: { Origin: 'https://site.example', 'Access-Control-Request-Method': 'GET' },
    status: 204,
  });
  assert.equal(p.res.headers.get('access-control-allow-origin'), '*');
  await check(API_URL, '/_feed', { method: 'OPTIONS', status: 204 });
});
