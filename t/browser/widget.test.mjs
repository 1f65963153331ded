// The widget (www/resources-widget.js) as a person sees it, in Debian's
// Chromium driven by playwright-core; run by t/080-widget.t:
//
//   PAGE_URL=http://127.0.0.1:P/page.html API_URL=http://127.0.0.1:P+1/resources \
//       node --test t/browser/widget.test.mjs
//
// PAGE_URL: t/browser/page.html served on one origin (its __API_URL__ replaced
// by API_URL), with www/ beside it; API_URL: the API on another origin, with
// resources_cors for the page's origin, serving t/data/sample.jsonl plus
// t/browser/catalogue-extra.jsonl.  Optional: CHROMIUM (default
// /usr/bin/chromium), SCREENSHOT_DIR (default build/browser).
//
// The tests run in order on one page: each step starts from where the
// previous one left it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const PAGE_URL = process.env.PAGE_URL;
const API_URL = process.env.API_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOT_DIR || path.resolve(here, '../../build/browser');
const TIMEOUT = 10000;

if (!PAGE_URL || !API_URL) {
  throw new Error('PAGE_URL and API_URL must be set (see the top of this file)');
}

const GUIDE = 'Guide : « Achats publics responsables » pour les collectivités';
const GARAGE = 'Fiche Déniché pour vous n°11 - Le Garage solidaire';
const SEMINAIRE = 'Compte rendu du séminaire Tiers-lieux et territoires';
const HOSTILE = '<img src=x onerror="window.__xss=1"> Balises <b>non</b> interprétées & «\u00a0échappées\u00a0»';
const CANTINE = 'Fiche Déniché pour vous n°12 - La Cantine partagée';

let context;
let page;
let userDir;
const pageErrors = [];
const consoleErrors = [];
const apiRequests = [];
const apiResponses = [];

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'resources-widget-chromium-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  context.setDefaultTimeout(TIMEOUT);
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('request', (r) => { if (r.url().startsWith(API_URL)) apiRequests.push(r.url()); });
  page.on('response', (r) => { if (r.url().startsWith(API_URL)) apiResponses.push(r); });
});

after(async () => {
  if (context) await context.close();
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
});

// --- helpers

const shot = (name) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

const text = async (selector) => {
  const el = page.locator(selector);
  return (await el.count()) ? (await el.first().textContent()).trim() : null;
};

// Wait until the text of selector matches re (a RegExp or an exact string).
async function until(selector, re, what) {
  const source = re instanceof RegExp ? re.source : `^${re.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  try {
    await page.waitForFunction(([sel, src]) => {
      const el = document.querySelector(sel);
      return !!el && new RegExp(src).test(el.textContent.trim());
    }, [selector, source], { timeout: TIMEOUT });
  } catch (e) {
    assert.fail(`${what || selector}: expected ${re}, got ${JSON.stringify(await text(selector))}`);
  }
}

const titles = (w) => page.locator(`${w} .rw-item .rw-title a`).allTextContents();

const focused = () => page.evaluate(() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const cs = getComputedStyle(a);
  return {
    tag: a.tagName.toLowerCase(),
    type: a.getAttribute('type'),
    text: a.textContent.trim(),
    widget: a.closest('[data-resources-api]') ? a.closest('[data-resources-api]').id : null,
    isFirstLink: a === document.querySelector('#w-qpv .rw-item a'),
    outline: `${cs.outlineStyle} ${cs.outlineWidth}`,
    boxShadow: cs.boxShadow,
  };
});

// --- the steps

test('the QPV list: titles, links, dates, types, count, range', async () => {
  assert.notEqual(new URL(PAGE_URL).origin, new URL(API_URL).origin, 'the API is on another origin');
  const res = await page.goto(PAGE_URL);
  assert.equal(res.status(), 200);
  await until('#w-qpv .rw-total', '4 ressources', 'the count');

  assert.deepEqual(await titles('#w-qpv'), [GUIDE, GARAGE], 'newest first, 2 a page');
  const link = page.locator('#w-qpv').getByRole('link', { name: GUIDE });
  assert.ok(await link.isVisible(), 'the first title is visible');
  assert.equal(await link.getAttribute('href'), 'https://www.rtes.fr/ressources/guide-achats-publics-responsables',
    'the link template');
  assert.equal(await text('#w-qpv .rw-item .rw-meta'), 'novembre 2023 · Ressources RTES', 'date and type');
  assert.equal(await page.locator('#w-qpv .rw-item time').first().getAttribute('datetime'), '2023-11');
  assert.deepEqual(await page.locator('#w-qpv .rw-item').first().locator('.rw-keyword').allTextContents(),
    ['commande publique', 'Économie circulaire', 'QPV'], 'the keywords');
  assert.equal(await text('#w-qpv .rw-range'), '1–2 sur 4');
  assert.equal(await page.locator('#w-qpv .rw-prev').getAttribute('aria-disabled'), 'true');
  assert.equal(await page.locator('#w-qpv .rw-next').getAttribute('aria-disabled'), 'false');
  assert.match(await text('#w-qpv [aria-live="polite"]'), /^4 ressources trouvées, ressources 1 à 2 sur 4/);

  // semantics: a list of articles with headings, a named region
  assert.equal(await page.locator('#w-qpv ul.rw-list > li > article h3 > a').count(), 2);
  assert.equal(await page.locator('#w-qpv').getAttribute('role'), 'region');
  assert.equal(await page.locator('#w-qpv').getAttribute('aria-label'), 'Ressources sur les quartiers prioritaires');

  // the stylesheet was added from the script's own URL, and applies
  const css = await page.locator('link[data-resources-widget]').getAttribute('href');
  assert.equal(new URL(css, PAGE_URL).href, new URL('www/resources-widget.css', PAGE_URL).href);
  await page.waitForFunction(() => getComputedStyle(document.querySelector('#w-qpv .rw-list')).listStyleType === 'none');

  // nothing private
  assert.doesNotMatch(await page.locator('body').innerText(), /Annuaire|budget/);

  // the second widget, in English, on its own
  await until('#w-en .rw-total', '7 resources');
  assert.deepEqual((await titles('#w-en')).slice(0, 1), [CANTINE]);
  assert.equal(await text('#w-en .rw-range'), '1–3 of 7');
  assert.equal(await text('#w-en .rw-item .rw-meta'), 'March 2024 · Ressources RTES');
  assert.equal(await page.locator('#w-en .rw-item a').first().getAttribute('href'),
    `${API_URL}/fiche-deniche-12-la-cantine-partagee`, 'without a template, the API\'s URL');
  assert.equal(await page.locator('#w-en input[type="search"]').count(), 0, 'data-resources-search="off"');

  // CORS: the answers allowed the page's origin
  const r = apiResponses.find((x) => x.url().includes('kw=QPV'));
  assert.ok(r, 'the API was asked from the browser');
  assert.equal((await r.allHeaders())['access-control-allow-origin'], new URL(PAGE_URL).origin);

  await shot('01-list.png');
});

test('paging: Suivant, then Précédent', async () => {
  await page.locator('#w-qpv').getByRole('button', { name: 'Suivant' }).click();
  await until('#w-qpv .rw-range', '3–4 sur 4', 'the range after Suivant');
  assert.deepEqual(await titles('#w-qpv'), [SEMINAIRE, HOSTILE], 'the second page');
  assert.equal(await page.locator('#w-qpv .rw-next').getAttribute('aria-disabled'), 'true');
  assert.equal(await page.locator('#w-qpv .rw-prev').getAttribute('aria-disabled'), 'false');
  assert.equal(await text('#w-qpv .rw-total'), '4 ressources');
  assert.equal(await text('#w-en .rw-range'), '1–3 of 7', 'the other widget did not move');

  // the record with markup in its text is shown as text
  const hostile = page.locator('#w-qpv .rw-item').nth(1);
  assert.equal(await hostile.locator('.rw-title a').textContent(), HOSTILE);
  assert.equal(await page.locator('#w-qpv .rw-list img, #w-qpv .rw-list script, #w-qpv .rw-list b').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no markup ran');
  const summary = await hostile.locator('.rw-summary').textContent();
  assert.ok(summary.startsWith('<script>window.__xss=2</script> Ce résumé'), summary);
  assert.ok(summary.endsWith('…') && summary.length <= 221, `truncated: ${summary.length}`);
  assert.match(await hostile.locator('.rw-summary').getAttribute('title'), /longueur prévue pour un résumé dans une liste de ressources\.$/);
  assert.equal(await text('#w-qpv .rw-item:nth-child(2) .rw-meta'), 'janvier 2022 · Autres');

  // Suivant at the end does nothing
  await page.locator('#w-qpv').getByRole('button', { name: 'Suivant' }).click({ force: true });
  await page.waitForTimeout(200);
  assert.equal(await text('#w-qpv .rw-range'), '3–4 sur 4');

  await shot('02-page-2.png');

  await page.locator('#w-qpv').getByRole('button', { name: 'Précédent' }).click();
  await until('#w-qpv .rw-range', '1–2 sur 4', 'the range after Précédent');
  assert.deepEqual(await titles('#w-qpv'), [GUIDE, GARAGE], 'back to the first page');
});

test('search: typing (debounced), Enter, nothing found, cleared', async () => {
  const box = page.locator('#w-qpv').getByRole('searchbox', { name: 'Rechercher dans les ressources' });
  const before = apiRequests.length;
  await box.pressSequentially('garage', { delay: 40 });
  await until('#w-qpv .rw-total', '1 ressource', 'the count after typing "garage"');
  await until('#w-qpv [aria-live="polite"]', /^1 ressource trouvée/, 'the live region');
  assert.deepEqual(await titles('#w-qpv'), [GARAGE]);
  assert.ok(await page.locator('#w-qpv .rw-pager').isHidden(), 'one page: no pager');
  const sent = apiRequests.slice(before);
  assert.ok(sent.length < 6, `typing 6 letters sent ${sent.length} requests (debounced: usually 1)`);
  assert.ok(sent.at(-1).includes('q=garage'), sent.at(-1));
  assert.ok(/[?&]highlight=1(&|$)/.test(sent.at(-1)) && /[?&]crop=30(&|$)/.test(sent.at(-1)),
    `a search asks for the marks: ${sent.at(-1)}`);
  await until('#w-qpv .rw-item .rw-title mark', 'Garage', 'the word found, marked in the title');
  assert.deepEqual(await page.locator('#w-qpv .rw-item .rw-summary mark').allTextContents(), ['garage'],
    'and in the summary');
  assert.deepEqual(await titles('#w-qpv'), [GARAGE], 'the title reads the same');
  await shot('03-search.png');

  // marks in a record with markup: only <mark> elements, the rest as text
  await box.fill('balises script');
  await box.press('Enter');
  await until('#w-qpv .rw-item .rw-title mark', 'Balises', 'the hostile record, marked');
  const hostile = page.locator('#w-qpv .rw-item').first();
  assert.equal(await hostile.locator('.rw-title a').textContent(), HOSTILE, 'its title as text, not decoded twice');
  assert.deepEqual(await hostile.locator('.rw-summary mark').allTextContents(), ['script', 'script']);
  assert.ok((await hostile.locator('.rw-summary').textContent()).startsWith('<script>window.__xss=2</script> Ce résumé'));
  assert.equal(await page.locator('#w-qpv .rw-list img, #w-qpv .rw-list script, #w-qpv .rw-list b').count(), 0);
  assert.deepEqual(await hostile.evaluate((el) => [...el.querySelectorAll('.rw-title a *, .rw-summary *')]
    .map((e) => e.tagName).filter((t) => t !== 'MARK')), [], 'no element but <mark>');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no markup ran');

  // Enter sends at once
  await box.fill('tiers');
  await box.press('Enter');
  await until('#w-qpv .rw-item .rw-title a', SEMINAIRE, 'the result of "tiers"');
  assert.equal(await text('#w-qpv .rw-total'), '1 ressource');

  await box.fill('zzzzzz');
  await box.press('Enter');
  await until('#w-qpv .rw-total', 'Aucune ressource');
  await until('#w-qpv [aria-live="polite"]', /^Aucune ressource trouvée/);
  assert.match(await text('#w-qpv .rw-empty'), /Aucune ressource ne correspond/);

  // a search of more than 10 words: the API takes the first ten and says
  // which it did not; the widget says so, the box stays
  await box.fill('tiers tiers lieux lieux tiers-lieux tiers lieux tiers lieux prioritaires -cantine');
  await box.press('Enter');
  await until('#w-qpv .rw-ignored', /non pris en compte\u00a0: prioritaires -cantine$/, 'the words not searched');
  assert.equal(await text('#w-qpv .rw-total'), '1 ressource');
  assert.deepEqual(await titles('#w-qpv'), [SEMINAIRE]);
  assert.ok(await box.isVisible(), 'the search box stays');
  assert.ok(await page.locator('#w-qpv .rw-error').isHidden(), 'no error');

  await box.fill('');
  await box.press('Enter');
  await until('#w-qpv .rw-total', '4 ressources', 'the count once the box is emptied');
  assert.ok(await page.locator('#w-qpv .rw-ignored').isHidden(), 'the note is gone');
  await until('#w-qpv [aria-live="polite"]', /^4 ressources trouvées/);
});

test('filters: a keyword chip narrows the list, a type chip too', async () => {
  const w = page.locator('#w-qpv');
  // the site's own keyword is not offered; counts are shown
  assert.equal(await w.locator('.rw-chip[data-rw-value="QPV"]').count(), 0);
  const chip = w.getByRole('button', { name: 'mobilité, 1 ressource' });
  assert.equal(await chip.getAttribute('aria-pressed'), 'false');
  assert.equal((await chip.textContent()).trim(), 'mobilité 1');
  await chip.click();
  await until('#w-qpv .rw-total', '1 ressource', 'the count after the chip');
  assert.deepEqual(await titles('#w-qpv'), [GARAGE]);
  assert.equal(await w.locator('.rw-chip[data-rw-value="mobilité"]').getAttribute('aria-pressed'), 'true');
  assert.match(apiRequests.at(-1), /kw=QPV&kw=mobilit%C3%A9/);
  assert.ok(await w.getByRole('button', { name: 'Effacer les filtres' }).isVisible());
  await until('#w-qpv [aria-live="polite"]', /^1 ressource trouvée/);
  await shot('04-filter.png');

  await w.locator('.rw-chip[data-rw-value="mobilité"]').click();
  await until('#w-qpv .rw-total', '4 ressources', 'the count once the chip is off');
  assert.equal(await w.locator('.rw-chip[data-rw-value="mobilité"]').getAttribute('aria-pressed'), 'false');

  // a type
  await w.getByRole('button', { name: 'Autres, 1 ressource' }).click();
  await until('#w-qpv .rw-total', '1 ressource', 'the count after the type chip');
  assert.deepEqual(await titles('#w-qpv'), [HOSTILE]);
  assert.match(apiRequests.at(-1), /type=Autres/);
  await w.getByRole('button', { name: 'Effacer les filtres' }).click();
  await until('#w-qpv .rw-total', '4 ressources', 'the count after "Effacer les filtres"');
  const f = await focused();
  assert.equal(f && f.type, 'search', 'the focus goes back to the search box');

  // the English widget's type chips
  await page.locator('#w-en').getByRole('button', { name: 'Autres, 2 resources' }).click();
  await until('#w-en .rw-total', '2 resources');
  assert.equal(await text('#w-qpv .rw-total'), '4 ressources', 'the other widget did not change');
  await page.locator('#w-en .rw-chip[aria-pressed="true"]').click();
  await until('#w-en .rw-total', '7 resources');
});

test('keyboard: Tab reaches the search box, the chips, the first link; Enter and Space work', async () => {
  await page.goto(PAGE_URL);
  await until('#w-qpv .rw-total', '4 ressources');
  await until('#w-en .rw-total', '7 resources');

  await page.keyboard.press('Tab');
  let f = await focused();
  assert.equal(f && f.type, 'search', `the first Tab reaches the search box (got ${JSON.stringify(f)})`);
  assert.equal(f.widget, 'w-qpv');
  assert.equal(f.outline, 'solid 3px', 'the focus is visible');

  const stops = [];
  let chipReached = false;
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    f = await focused();
    stops.push(f ? `${f.tag}:${f.text}` : 'none');
    if (f && f.text.startsWith('mobilité') && !chipReached) {
      chipReached = true;
      // Space presses the chip, and the focus stays on it
      await page.keyboard.press('Space');
      await until('#w-qpv .rw-total', '1 ressource', 'the count after Space on the chip');
      const g = await focused();
      assert.ok(g && g.text.startsWith('mobilité'), `the focus stays on the chip (${JSON.stringify(g)})`);
      await page.keyboard.press('Enter');
      await until('#w-qpv .rw-total', '4 ressources', 'the count after Enter on the chip');
    }
    if (f && f.isFirstLink) break;
  }
  assert.ok(chipReached, `Tab reaches the chips: ${stops.join(' | ')}`);
  assert.ok(f && f.isFirstLink, `Tab reaches the first link: ${stops.join(' | ')}`);
  assert.equal(f.text, GUIDE);
  assert.equal(f.outline, 'solid 3px', 'the focus on the link is visible');
  await shot('05-keyboard.png');

  // on to Suivant, Enter pages, the focus stays there
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    f = await focused();
    if (f && f.text === 'Suivant') break;
  }
  assert.equal(f && f.text, 'Suivant', 'Tab reaches Suivant');
  await page.keyboard.press('Enter');
  await until('#w-qpv .rw-range', '3–4 sur 4', 'Enter on Suivant');
  f = await focused();
  assert.equal(f && f.text, 'Suivant', 'the focus stays on Suivant');
  await page.keyboard.press('Shift+Tab');
  f = await focused();
  assert.equal(f && f.text, 'Précédent');
  await page.keyboard.press('Space');
  await until('#w-qpv .rw-range', '1–2 sur 4', 'Space on Précédent');
});

test('an API that cannot be reached, or does not answer JSON: a plain link', async () => {
  await until('#w-down .rw-error', /^Le catalogue est momentanément indisponible\. Consulter les ressources$/,
    'the unreachable API (connection refused)');
  const down = page.locator('#w-down').getByRole('link', { name: 'Consulter les ressources' });
  assert.ok(await down.isVisible());
  assert.equal(await down.getAttribute('href'), 'https://www.rtes.fr/ressources', 'data-resources-fallback');
  assert.equal(await page.locator('#w-down input:visible, #w-down .rw-list:visible').count(), 0, 'nothing else');
  assert.match(await text('#w-down [aria-live="polite"]'), /^Le catalogue est momentanément indisponible\./);

  await until('#w-bad .rw-error', /^Le catalogue est momentanément indisponible\./, 'the API that answers 404 in HTML');
  assert.equal(await page.locator('#w-bad').getByRole('link', { name: 'Consulter les ressources' }).getAttribute('href'),
    new URL('/no-such-api/resources', PAGE_URL).href, 'without a fallback: the API URL');

  await page.locator('#w-down').scrollIntoViewIfNeeded();
  await shot('06-errors.png');
});

test('a narrow screen: no horizontal scrolling', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(PAGE_URL);
  await until('#w-qpv .rw-total', '4 ressources');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px too wide`);
  await shot('07-narrow.png');
});

test('no script error on the page', async () => {
  assert.deepEqual(pageErrors, []);
  // the failed requests of the two broken widgets are the only console errors
  const unexpected = consoleErrors.filter((m) => !/Failed to load resource/.test(m));
  assert.deepEqual(unexpected, []);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});
