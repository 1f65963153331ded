// The widget's state in the page's URL, its sort and year controls, and the
// list nginx renders through SSI (format=html), in Debian's Chromium driven
// by playwright-core; run by t/081-widget-state.t:
//
//   ORIGIN=http://127.0.0.1:P node --test t/browser/widget-state.test.mjs
//
// ORIGIN serves, with "ssi on", t/browser/state.html, small.html and
// fragment.html, the widget's files under /www/, and the API of the sample
// catalogue plus t/browser/catalogue-extra.jsonl at /resources
// (resources_default_limit 3, resources_link https://www.rtes.fr/ressources/{id},
// resources_strict_args off), /small/resources (resources_max_limit 5) and
// /plain/resources (no resources_link).  Optional: CHROMIUM (default
// /usr/bin/chromium), SCREENSHOT_DIR (default build/browser).
//
// Every test opens its pages afresh (the tests do not depend on each other's
// steps); the browser's history is what a person's would be.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = process.env.ORIGIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOT_DIR || path.resolve(here, '../../build/browser');
const TIMEOUT = 10000;

if (!ORIGIN) throw new Error('ORIGIN must be set (see the top of this file)');

const STATE = `${ORIGIN}/state.html`;
const LINK = 'https://www.rtes.fr/ressources/';

const CANTINE = 'Fiche Déniché pour vous n°12 - La Cantine partagée';
const GUIDE = 'Guide : « Achats publics responsables » pour les collectivités';
const GARAGE = 'Fiche Déniché pour vous n°11 - Le Garage solidaire';
const SEMINAIRE = 'Compte rendu du séminaire Tiers-lieux et territoires';
const WEBINAIRE = 'Webinaire "Monnaies locales : quel rôle pour les collectivités ?"';
const HOSTILE = '<img src=x onerror="window.__xss=1"> Balises <b>non</b> interprétées & «\u00a0échappées\u00a0»';
const CATALOGUE = 'Catalogue des ressources ESS & quartiers';

let browser;
const contexts = [];
const pageErrors = [];
const consoleErrors = [];
const warnings = [];

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close();
});

// A new page in a new context (its own history and cache).
async function newPage(options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1000, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    ...options,
  });
  context.setDefaultTimeout(TIMEOUT);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.apiRequests = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/\/resources/.test(u.pathname)) page.apiRequests.push(u.pathname + u.search);
  });
  return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

const text = async (page, selector) => {
  const el = page.locator(selector);
  return (await el.count()) ? (await el.first().textContent()).trim() : null;
};

// Wait until the text of selector matches re (a RegExp or an exact string).
async function until(page, selector, re, what) {
  const source = re instanceof RegExp ? re.source : `^${re.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  try {
    await page.waitForFunction(([sel, src]) => {
      const el = document.querySelector(sel);
      return !!el && new RegExp(src).test(el.textContent.trim());
    }, [selector, source], { timeout: TIMEOUT });
  } catch (e) {
    assert.fail(`${what || selector}: expected ${re}, got ${JSON.stringify(await text(page, selector))}`);
  }
}

// Wait until the page's URL (path, query and fragment) is want.
async function untilUrl(page, want, what) {
  try {
    await page.waitForFunction((w) => location.pathname + location.search + location.hash === w, want,
      { timeout: TIMEOUT });
  } catch (e) {
    const u = new URL(page.url());
    assert.fail(`${what || 'the URL'}: expected ${want}, got ${u.pathname + u.search + u.hash}`);
  }
}

const here_ = (page) => { const u = new URL(page.url()); return u.pathname + u.search + u.hash; };
const titles = (page, w) => page.locator(`${w} .rw-item .rw-title a`).allTextContents();
const ssiTitles = (page, w) => page.locator(`${w} .resources .resource-title a`).allTextContents();
const historyLength = (page) => page.evaluate(() => history.length);
const selected = (page, sel) => page.locator(sel).evaluate((s) => s.options[s.selectedIndex].textContent);
const options = (page, sel) => page.locator(sel).evaluate((s) => Array.from(s.options, (o) => o.textContent));

// The titles of a list as the API answers it (JSON), for the orders the
// test does not spell out.
async function apiTitles(query) {
  const r = await fetch(`${ORIGIN}/resources?${query}`);
  assert.equal(r.status, 200, `GET /resources?${query}`);
  return (await r.json()).items.map((i) => i.title);
}

// The titles of the list nginx renders into a page (its HTML as served).
async function servedTitles(url) {
  const r = await fetch(url);
  assert.equal(r.status, 200, `GET ${url}`);
  const html = await r.text();
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  return Array.from(html.matchAll(/<h3 class="resource-title"><a href="[^"]*">(.*?)<\/a><\/h3>/g), (m) => unescape(m[1]));
}

// --- without JavaScript

test('without JavaScript: the list nginx rendered, its links and its paging links work', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  const res = await page.goto(STATE);
  assert.equal(res.status(), 200);
  const w = '#w-main';
  assert.equal(await page.locator(`${w} .rw-list`).count(), 0, 'no widget');
  assert.deepEqual(await ssiTitles(page, w), [CANTINE, GUIDE, GARAGE], 'newest first, 3 a page');
  assert.equal(await text(page, `${w} .resources-count`), '7 ressources');
  assert.equal(await text(page, `${w} .resources-range`), '1–3 sur 7');
  assert.equal(await page.locator(`${w} .resource-title a`).first().getAttribute('href'),
    `${LINK}fiche-deniche-12-la-cantine-partagee`, 'titles link to resources_link');
  assert.equal(await page.locator(`${w} .resources-prev`).count(), 0, 'no previous page on the first');
  await shot(page, '20-nojs.png');

  // the paging links are plain links to the page
  await page.locator(`${w} a[rel="next"]`).click();
  await untilUrl(page, '/state.html?offset=3', 'Suivantes');
  assert.deepEqual(await ssiTitles(page, w), [SEMINAIRE, WEBINAIRE, HOSTILE], 'the second page');
  assert.equal(await text(page, `${w} .resources-range`), '4–6 sur 7');
  // the record with markup in its text: text, escaped by the module
  assert.equal(await page.locator(`${w} .resources img, ${w} .resources b`).count(), 0, 'no markup from the data');

  await page.locator(`${w} a[rel="last"]`).click();
  await untilUrl(page, '/state.html?offset=6', 'the last page');
  assert.deepEqual(await ssiTitles(page, w), [CATALOGUE]);
  assert.equal(await page.locator(`${w} .resources-next`).count(), 0, 'no next page on the last');

  await page.locator(`${w} a[rel="first"]`).click();
  await untilUrl(page, '/state.html?offset=0', 'the first page');
  assert.deepEqual(await ssiTitles(page, w), [CANTINE, GUIDE, GARAGE]);

  // a keyword: a link to the page with kw=
  await page.locator(`${w} .resource[data-id="guide-achats-publics-responsables"] a.resource-keyword`, { hasText: 'QPV' }).click();
  await untilUrl(page, '/state.html?kw=QPV', 'the keyword link');
  assert.equal(await text(page, `${w} .resources-count`), '4 ressources');
  assert.deepEqual(await ssiTitles(page, w), [GUIDE, GARAGE, SEMINAIRE]);
  await page.locator(`${w} a[rel="next"]`).click();
  await untilUrl(page, '/state.html?kw=QPV&offset=3', 'Suivantes, with the keyword');
  assert.deepEqual(await ssiTitles(page, w), [HOSTILE]);
  await shot(page, '21-nojs-page-2.png');
});

// --- the take-over

test('the widget takes over the list nginx rendered: no gap, the same resources, then its own', async () => {
  const page = await newPage();
  // what is on screen after each task: the server's list or the widget's
  await page.addInitScript(() => {
    window.__gaps = [];
    window.__seen = [];
    const check = () => {
      const root = document.getElementById('w-main');
      if (!root || document.readyState === 'loading') return;
      const ssi = root.querySelector('.resources .resource');
      const own = root.querySelector('.rw-list:not([hidden]) > .rw-item');
      const shown = (ssi && ssi.offsetParent !== null) ? 'ssi' : (own && own.offsetParent !== null) ? 'widget' : null;
      if (!shown) window.__gaps.push(root.innerHTML.slice(0, 300));
      else if (window.__seen.at(-1) !== shown) window.__seen.push(shown);
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
    document.addEventListener('readystatechange', check);
  });

  // the widget's list requests wait until the server's list was checked
  let release;
  const held = new Promise((r) => { release = r; });
  const isList = (u) => u.pathname === '/resources' && u.searchParams.get('limit') !== '0';
  await page.route(isList, async (route) => { await held; await route.continue(); });

  const served = await servedTitles(`${STATE}?kw=QPV`);
  assert.deepEqual(served, [GUIDE, GARAGE, SEMINAIRE], 'what nginx renders for ?kw=QPV');
  await page.goto(`${STATE}?kw=QPV`);
  const w = '#w-main';
  await page.locator(`${w} input[type="search"]`).waitFor();
  await page.locator(`${w} .rw-controls`).waitFor();
  assert.deepEqual(await ssiTitles(page, w), served, 'the server\'s list is shown while the widget starts');
  assert.ok(await page.locator(`${w} .resources`).isVisible());
  assert.ok(await page.locator(`${w} .rw-list`).isHidden(), 'the widget\'s list is not shown yet');
  await shot(page, '22-takeover-before.png');
  // a reader already in the server's list
  await page.locator(`${w} .resources .resource[data-id="fiche-deniche-11-le-garage-solidaire"] .resource-title a`).focus();

  release();
  await until(page, `${w} .rw-total`, '4 ressources', 'the widget\'s first list');
  assert.equal(await page.evaluate(() => {
    const a = document.activeElement;
    return a.closest('.rw-item') ? a.closest('.rw-item').getAttribute('data-rw-id') + ' ' + a.textContent : a.tagName;
  }), `fiche-deniche-11-le-garage-solidaire ${GARAGE}`, 'the focus goes to the same resource in the widget\'s list');
  await page.unroute(isList);
  assert.deepEqual(await titles(page, w), served, 'the same resources');
  assert.equal(await page.locator(`${w} .resources`).count(), 0, 'the server\'s list is gone');
  assert.equal(await text(page, `${w} .rw-range`), '1–3 sur 4');
  assert.deepEqual(await page.evaluate(() => window.__gaps), [], 'never an empty list on screen');
  assert.deepEqual(await page.evaluate(() => window.__seen), ['ssi', 'widget']);

  // its first request: the URL's state, the server's page size
  const first = page.apiRequests.find((r) => r.startsWith('/resources?') && !r.includes('limit=0'));
  assert.equal(first, '/resources?kw=QPV&limit=3&facets=kw%2Ctype');
  assert.ok(page.apiRequests.includes('/resources/_meta'), 'the location\'s _meta was read');

  // titles link to the location's resources_link (from _meta)
  assert.equal(await page.locator(`${w} .rw-title a`).first().getAttribute('href'),
    `${LINK}guide-achats-publics-responsables`);
  // the URL's keyword is the reader's: a pressed chip
  assert.equal(await page.locator(`${w} .rw-chip[data-rw-value="QPV"]`).getAttribute('aria-pressed'), 'true');
  await shot(page, '23-takeover-after.png');
});

// --- the state in the URL

test('a search shows in the URL: one history entry for the typing, Back and Forward', async () => {
  const page = await newPage();
  await page.goto(STATE);
  const w = '#w-main';
  await until(page, `${w} .rw-total`, '7 ressources');
  const h0 = await historyLength(page);

  const box = page.locator(w).getByRole('searchbox', { name: 'Rechercher dans les ressources' });
  await box.pressSequentially('garage', { delay: 30 });
  await until(page, `${w} .rw-total`, '2 ressources', 'after typing "garage"');
  await untilUrl(page, '/state.html?q=garage');
  assert.deepEqual(await titles(page, w), [GARAGE, CANTINE], 'the title first, then the summary');

  // typing on after a pause: the same entry, replaced
  await page.waitForTimeout(500);
  await box.pressSequentially(' solidaire', { delay: 30 });
  await untilUrl(page, '/state.html?q=garage+solidaire', 'after typing on');
  await until(page, `${w} .rw-total`, '1 ressource');
  assert.deepEqual(await titles(page, w), [GARAGE]);
  await box.press('Enter');
  await page.waitForTimeout(100);
  assert.equal(await historyLength(page), h0 + 1, 'typing and Enter made one history entry');
  assert.equal(await selected(page, `${w} .rw-sort`), 'Pertinence', 'with a search: by relevance');

  // a second search is a second entry
  await box.fill('tiers');
  await box.press('Enter');
  await untilUrl(page, '/state.html?q=tiers');
  await until(page, `${w} .rw-total`, '2 ressources');
  assert.equal(await historyLength(page), h0 + 2);

  await page.goBack();
  await untilUrl(page, '/state.html?q=garage+solidaire', 'Back');
  await until(page, `${w} .rw-total`, '1 ressource', 'Back: the previous search');
  assert.equal(await box.inputValue(), 'garage solidaire', 'the box shows it');
  await until(page, `${w} [aria-live="polite"]`, /^1 ressource trouvée/);

  await page.goBack();
  await untilUrl(page, '/state.html', 'Back to the start');
  await until(page, `${w} .rw-total`, '7 ressources');
  assert.equal(await box.inputValue(), '');
  assert.deepEqual(await titles(page, w), [CANTINE, GUIDE, GARAGE]);

  await page.goForward();
  await page.goForward();
  await untilUrl(page, '/state.html?q=tiers', 'Forward twice');
  await until(page, `${w} .rw-total`, '2 ressources');
  assert.equal(await box.inputValue(), 'tiers');

  // reloading the URL: the same search, first rendered by nginx
  await page.reload();
  await until(page, `${w} .rw-total`, '2 ressources', 'after reloading');
  assert.equal(await box.inputValue(), 'tiers');
  assert.deepEqual(await titles(page, w), await servedTitles(`${STATE}?q=tiers`), 'as nginx renders it');
});

test('paging, chips and clearing are history entries', async () => {
  const page = await newPage();
  await page.goto(STATE);
  const w = '#w-main';
  await until(page, `${w} .rw-range`, '1–3 sur 7');
  const next = page.locator(w).getByRole('button', { name: 'Suivant' });

  await next.click();
  await untilUrl(page, '/state.html?offset=3');
  await until(page, `${w} .rw-range`, '4–6 sur 7');
  await next.click();
  await untilUrl(page, '/state.html?offset=6');
  await until(page, `${w} .rw-range`, '7 sur 7');

  await page.goBack();
  await until(page, `${w} .rw-range`, '4–6 sur 7', 'Back: the second page');
  assert.deepEqual(await titles(page, w), [SEMINAIRE, WEBINAIRE, HOSTILE]);
  await page.goBack();
  await until(page, `${w} .rw-range`, '1–3 sur 7', 'Back: the first page');
  await page.goForward();
  await until(page, `${w} .rw-range`, '4–6 sur 7', 'Forward');

  // a chip: from the second page to the first of the filtered list
  await page.locator(w).getByRole('button', { name: 'mobilité, 1 ressource' }).click();
  await untilUrl(page, `/state.html?kw=${encodeURIComponent('mobilité')}`);
  await until(page, `${w} .rw-total`, '1 ressource');
  await page.locator(w).getByRole('button', { name: 'Effacer les filtres' }).click();
  await untilUrl(page, '/state.html');
  await until(page, `${w} .rw-total`, '7 ressources');
  await page.goBack();
  await until(page, `${w} .rw-total`, '1 ressource', 'Back: the chip again');
  assert.equal(await page.locator(`${w} .rw-chip[data-rw-value="mobilité"]`).getAttribute('aria-pressed'), 'true');
  await page.goBack();
  await until(page, `${w} .rw-range`, '4–6 sur 7', 'Back: the page before the chip');
});

test('sort and year: labelled selects, in the URL, restored by a reload and by Back', async () => {
  const page = await newPage();
  await page.goto(STATE);
  const w = '#w-main';
  await until(page, `${w} .rw-total`, '7 ressources');

  const sort = page.locator(w).getByLabel('Trier par');
  const year = page.locator(w).getByLabel('Année');
  assert.deepEqual(await options(page, `${w} .rw-sort`),
    ['Les plus récentes', 'Les plus anciennes', 'Titre (de A à Z)', 'Dernières mises à jour'],
    'without a search, no relevance');
  assert.equal(await selected(page, `${w} .rw-sort`), 'Les plus récentes');
  assert.deepEqual(await options(page, `${w} .rw-year`),
    ['Toutes les années', '2024 (1 ressource)', '2023 (3 ressources)', '2022 (2 ressources)'],
    'the years of the catalogue, newest first, with their counts');

  await sort.selectOption('title');
  await untilUrl(page, '/state.html?sort=title');
  await page.waitForFunction(() => !document.querySelector('#w-main').classList.contains('rw-loading'));
  assert.deepEqual(await titles(page, w), await apiTitles('sort=title&limit=3'), 'by title');

  await year.selectOption('2023');
  await untilUrl(page, '/state.html?from=2023&to=2023&sort=title');
  await until(page, `${w} .rw-total`, '3 ressources');
  await until(page, `${w} [aria-live="polite"]`, /^3 ressources trouvées/);
  assert.deepEqual(await titles(page, w), await apiTitles('from=2023&to=2023&sort=title&limit=3'));
  assert.deepEqual(await options(page, `${w} .rw-year`),
    ['Toutes les années', '2024 (1 ressource)', '2023 (3 ressources)', '2022 (2 ressources)'],
    'the other years stay offered');
  assert.ok(await page.locator(w).getByRole('button', { name: 'Effacer les filtres' }).isVisible(),
    'a year is a filter');
  await shot(page, '24-sort-year.png');

  // the newest updates first
  await sort.selectOption('updated');
  await untilUrl(page, '/state.html?from=2023&to=2023&sort=updated');
  await page.waitForFunction(() => !document.querySelector('#w-main').classList.contains('rw-loading'));
  assert.deepEqual(await titles(page, w), await apiTitles('from=2023&to=2023&sort=updated&limit=3'));

  // reloaded: nginx renders the same, the controls show the state
  await page.reload();
  await until(page, `${w} .rw-total`, '3 ressources', 'after the reload');
  assert.equal(await selected(page, `${w} .rw-sort`), 'Dernières mises à jour');
  assert.equal(await selected(page, `${w} .rw-year`), '2023 (3 ressources)');
  assert.deepEqual(await titles(page, w), await servedTitles(`${STATE}?from=2023&to=2023&sort=updated`));

  await page.goBack();
  await untilUrl(page, '/state.html?from=2023&to=2023&sort=title', 'Back: by title');
  await page.waitForFunction(() => document.querySelector('#w-main .rw-sort').value === 'title');
  await page.goBack();
  await untilUrl(page, '/state.html?sort=title', 'Back: every year');
  await until(page, `${w} .rw-total`, '7 ressources');
  assert.equal(await selected(page, `${w} .rw-year`), 'Toutes les années');

  // a search offers relevance, and uses it unless an order was chosen
  await page.locator(w).getByRole('searchbox').fill('garage');
  await page.locator(w).getByRole('searchbox').press('Enter');
  await until(page, `${w} .rw-total`, '2 ressources');
  assert.deepEqual(await options(page, `${w} .rw-sort`),
    ['Pertinence', 'Les plus récentes', 'Les plus anciennes', 'Titre (de A à Z)', 'Dernières mises à jour']);
  assert.equal(await selected(page, `${w} .rw-sort`), 'Titre (de A à Z)', 'the order chosen stays');
  await sort.selectOption('relevance');
  await untilUrl(page, '/state.html?q=garage', 'relevance is the default with a search: not in the URL');
});

test('keyboard: Tab reaches the selects after the search box; arrows change the order, one history entry', async () => {
  const page = await newPage();
  await page.goto(STATE);
  const w = '#w-main';
  await until(page, `${w} .rw-total`, '7 ressources');
  await page.locator(w).getByRole('searchbox').focus();
  const stops = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    stops.push(await page.evaluate(() => {
      const a = document.activeElement;
      return `${a.tagName.toLowerCase()}${a.id ? '#' + a.id.replace(/^rw\d+-/, '') : ''}`;
    }));
  }
  assert.deepEqual(stops, ['button', 'select#sort', 'select#year'], 'search box, its button, the order, the year');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'the focus is visible');

  await page.keyboard.press('Shift+Tab');
  const h0 = await historyLength(page);
  await page.keyboard.press('ArrowDown');
  await untilUrl(page, '/state.html?sort=oldest', 'ArrowDown on the order');
  await page.keyboard.press('ArrowDown');
  await untilUrl(page, '/state.html?sort=title', 'ArrowDown again');
  await page.waitForFunction(() => !document.querySelector('#w-main').classList.contains('rw-loading'));
  assert.deepEqual(await titles(page, w), await apiTitles('sort=title&limit=3'));
  assert.equal(await historyLength(page), h0 + 1, 'the arrows made one history entry');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'rw-select rw-sort', 'the focus stays');
  await page.goBack();
  await untilUrl(page, '/state.html', 'Back: before the order was changed');
  await page.waitForFunction(() => document.querySelector('#w-main .rw-sort').value === 'newest');
});

test('a shared URL shows the same results to someone else', async () => {
  const shared = `${STATE}?q=collectivit%C3%A9s&type=Ressources+RTES&sort=oldest`;
  const served = await servedTitles(shared);
  const api = await (await fetch(`${ORIGIN}/resources?type=Ressources+RTES&q=collectivit%C3%A9s&sort=oldest&limit=3`)).json();
  assert.ok(api.total >= 1, 'the search finds something');
  assert.deepEqual(served, api.items.map((i) => i.title), 'nginx renders what the API answers');
  const page = await newPage();
  await page.goto(shared);
  const w = '#w-main';
  await until(page, `${w} .rw-total`, `${api.total} ${api.total === 1 ? 'ressource' : 'ressources'}`);
  assert.deepEqual(await titles(page, w), served, 'what nginx rendered for that URL');
  assert.equal(await page.locator(w).getByRole('searchbox').inputValue(), 'collectivités');
  assert.equal(await selected(page, `${w} .rw-sort`), 'Les plus anciennes');
  assert.equal(await page.locator(`${w} .rw-chip[data-rw-value="Ressources RTES"]`).getAttribute('aria-pressed'), 'true');
});

test('two widgets on a page: the second one with its prefix, the third one keeps its state to itself', async () => {
  const page = await newPage();
  await page.goto(STATE);
  await until(page, '#w-main .rw-total', '7 ressources');
  await until(page, '#w-b .rw-total', '4 ressources');
  await until(page, '#w-c .rw-total', '7 ressources');

  await page.locator('#w-b').getByRole('button', { name: 'Suivant' }).click();
  await untilUrl(page, '/state.html?b-offset=2');
  await until(page, '#w-b .rw-range', '3–4 sur 4');
  assert.equal(await text(page, '#w-main .rw-range'), '1–3 sur 7', 'the first widget did not move');

  await page.locator('#w-main').getByRole('searchbox').fill('tiers');
  await page.locator('#w-main').getByRole('searchbox').press('Enter');
  await untilUrl(page, '/state.html?b-offset=2&q=tiers');
  await until(page, '#w-main .rw-total', '2 ressources');

  // the third one: no prefix, the query string is taken: not in the URL
  const h = await historyLength(page);
  await page.locator('#w-c').getByRole('button', { name: 'Suivant' }).click();
  await until(page, '#w-c .rw-range', '2 sur 7');
  assert.equal(here_(page), '/state.html?b-offset=2&q=tiers');
  assert.equal(await historyLength(page), h);
  assert.ok(warnings.some((m) => /already keeps its state in the page's query/.test(m)), 'a warning says why');

  // both restored from the URL; nginx ignores b-offset (resources_strict_args off)
  await page.reload();
  await until(page, '#w-main .rw-total', '2 ressources');
  await until(page, '#w-b .rw-range', '3–4 sur 4');
  assert.deepEqual(await titles(page, '#w-main'), await servedTitles(`${STATE}?b-offset=2&q=tiers`));

  await page.goBack();
  await untilUrl(page, '/state.html?b-offset=2');
  await until(page, '#w-main .rw-total', '7 ressources', 'Back: the first widget');
  assert.equal(await text(page, '#w-b .rw-range'), '3–4 sur 4', 'the second one stays');
  await page.goBack();
  await until(page, '#w-b .rw-range', '1–2 sur 4', 'Back: the second widget');
  await shot(page, '25-two-widgets.png');
});

test('the state in the fragment; titles link to the lookups without resources_link', async () => {
  const page = await newPage();
  await page.goto(`${ORIGIN}/fragment.html#haut`);
  const w = '#w-frag';
  await until(page, `${w} .rw-total`, '7 ressources', 'an anchor is not a state');
  assert.equal(await page.locator(`${w} .rw-title a`).first().getAttribute('href'),
    `${ORIGIN}/plain/resources/fiche-deniche-12-la-cantine-partagee`);

  await page.locator(w).getByRole('button', { name: 'Suivant' }).click();
  await untilUrl(page, '/fragment.html#offset=2');
  await until(page, `${w} .rw-range`, '3–4 sur 7');
  await page.locator(w).getByRole('searchbox').fill('garage');
  await page.locator(w).getByRole('searchbox').press('Enter');
  await untilUrl(page, '/fragment.html#q=garage');
  await until(page, `${w} .rw-total`, '2 ressources');
  await page.goBack();
  await until(page, `${w} .rw-range`, '3–4 sur 7', 'Back');
  await page.goBack();
  await untilUrl(page, '/fragment.html#haut');
  await until(page, `${w} .rw-range`, '1–2 sur 7', 'Back to the anchor');

  // a fragment edited by hand, or followed from a link
  await page.evaluate(() => { location.hash = 'q=tiers&sort=title'; });
  await until(page, `${w} .rw-total`, '2 ressources', 'the new fragment');
  assert.deepEqual(await titles(page, w), await apiTitles('q=tiers&sort=title&limit=2'));

  const other = await newPage();
  await other.goto(`${ORIGIN}/fragment.html#q=tiers&sort=title`);
  await until(other, `${w} .rw-total`, '2 ressources', 'a shared URL with a fragment');
  assert.equal(await selected(other, `${w} .rw-sort`), 'Titre (de A à Z)');
});

test('a location with resources_max_limit 5: the widget asks for 5, and works', async () => {
  const page = await newPage();
  await page.goto(`${ORIGIN}/small.html`);
  await until(page, '#w-small .rw-total', '7 ressources', 'the widget that asks for 10 a page');
  assert.equal(await page.locator('#w-small .rw-item').count(), 5);
  assert.equal(await text(page, '#w-small .rw-range'), '1–5 sur 7');
  await page.locator('#w-small').getByRole('button', { name: 'Suivant' }).click();
  await until(page, '#w-small .rw-range', '6–7 sur 7');
  await untilUrl(page, '/small.html?offset=5');

  await until(page, '#w-fifty .rw-total', '7 ressources', 'the widget that asks for 50');
  assert.equal(await page.locator('#w-fifty .rw-item').count(), 5);
  assert.doesNotMatch(await page.locator('body').innerText(), /indisponible/);
  assert.ok(page.apiRequests.every((r) => !/[?&]limit=(?:10|50)\b/.test(r)), page.apiRequests.join(' '));

  // the list nginx rendered stays when the widget cannot reach its API
  await page.waitForFunction(() => document.querySelector('#w-down').classList.contains('rw-static'));
  assert.ok(await page.locator('#w-down .resources').isVisible(), 'the server\'s list stays');
  assert.deepEqual(await ssiTitles(page, '#w-down'), [GUIDE, GARAGE, SEMINAIRE, HOSTILE]);
  assert.ok(await page.locator('#w-down .rw-search').isHidden(), 'without the widget\'s controls');
  assert.ok(await page.locator('#w-down .rw-error').isHidden(), 'and without its message');
  await shot(page, '26-small.png');
});

test('no script error, nothing ran from the data', async () => {
  assert.deepEqual(pageErrors, []);
  // the connection the broken widget could not make is the only one
  const unexpected = consoleErrors.filter((m) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(m));
  assert.deepEqual(unexpected, []);
});
