// The demo page of "make run" (www/index.html, conf/demo.conf) in Debian's
// Chromium; run by t/082-demo.t:
//
//   DEMO_URL=http://127.0.0.1:8080/ node --test t/browser/demo.test.mjs
//
// Optional: CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (default
// build/browser).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEMO_URL = process.env.DEMO_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOT_DIR || path.resolve(here, '../../build/browser');
const TIMEOUT = 10000;

if (!DEMO_URL) throw new Error('DEMO_URL must be set (see the top of this file)');

const CANTINE = 'Fiche Déniché pour vous n°12 - La Cantine partagée';
const GUIDE = 'Guide : « Achats publics responsables » pour les collectivités';
const GARAGE = 'Fiche Déniché pour vous n°11 - Le Garage solidaire';

let browser;
const errors = [];

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
  if (browser) await browser.close();
});

async function newPage(options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1000, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris', ...options,
  });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return page;
}

const where = (page) => { const u = new URL(page.url()); return u.pathname + u.search; };

test('with JavaScript: the widget takes the list over, its state in the URL', async () => {
  const page = await newPage();
  const res = await page.goto(DEMO_URL);
  assert.equal(res.status(), 200);
  const w = '#catalogue';
  await page.waitForFunction(() => {
    const t = document.querySelector('#catalogue .rw-total');
    return t && t.textContent.trim() === '6 ressources';
  });
  assert.equal(await page.locator(`${w} .resources`).count(), 0, 'the list nginx rendered was replaced');
  assert.deepEqual(await page.locator(`${w} .rw-title a`).allTextContents(), [CANTINE, GUIDE, GARAGE]);
  assert.equal(await page.locator(`${w} .rw-title a`).first().getAttribute('href'),
    new URL('/demo/resources/fiche-deniche-12-la-cantine-partagee?format=html', DEMO_URL).href,
    'titles link where the location\'s resources_link says');
  assert.equal(await page.locator('#deniche ~ .resources .resource').count(), 2, 'the other list stays as nginx rendered it');
  await page.screenshot({ path: path.join(SHOTS, '30-demo.png'), fullPage: true });

  await page.locator(w).getByRole('searchbox').fill('tiers');
  await page.locator(w).getByRole('searchbox').press('Enter');
  await page.waitForFunction(() => location.search === '?q=tiers');
  await page.waitForFunction(() => document.querySelector('#catalogue .rw-total').textContent.trim() === '2 ressources');
  await page.reload();
  await page.waitForFunction(() => {
    const t = document.querySelector('#catalogue .rw-total');
    return t && t.textContent.trim() === '2 ressources';
  });
  assert.equal(await page.locator(w).getByRole('searchbox').inputValue(), 'tiers', 'reloaded: the same search');
  await page.goBack();
  await page.waitForFunction(() => {
    const t = document.querySelector('#catalogue .rw-total');
    return location.search === '' && t && t.textContent.trim() === '6 ressources';
  });
  assert.deepEqual(errors, [], 'no script error');
});

test('without JavaScript: the list nginx rendered and its paging links', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await page.goto(DEMO_URL);
  const titles = () => page.locator('#catalogue .resource-title a').allTextContents();
  assert.deepEqual(await titles(), [CANTINE, GUIDE, GARAGE]);
  assert.equal(await page.locator('#catalogue .resources-count').textContent(), '6 ressources');
  await page.locator('#catalogue a[rel="next"]').click();
  await page.waitForURL((u) => u.search === '?offset=3');
  assert.equal(await page.locator('#catalogue .resources-range').textContent(), '4–6 sur 6');
  await page.locator('#catalogue a.resource-keyword', { hasText: 'QPV' }).first().click();
  await page.waitForURL((u) => u.search === '?kw=QPV');
  assert.equal(where(page), '/?kw=QPV');
  assert.equal(await page.locator('#catalogue .resources-count').textContent(), '3 ressources');
  await page.screenshot({ path: path.join(SHOTS, '31-demo-nojs.png'), fullPage: true });
});
