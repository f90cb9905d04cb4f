// Journey: a citizen looks up where an old ward went, in Vietnamese and in
// English, with the keyboard, and the pages pass an accessibility check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('home page speaks Vietnamese by default and English on request', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
  assert.match(await page.locator('h1').innerText(), /Dịch vụ hành chính công/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'home-vi');
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/lang=en/);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('h1').innerText(), /Public administrative services/);
  assert.doesNotMatch(await page.locator('body').innerText(), /Dịch vụ hành chính công|Trang chủ/);
  await screenshots(page, 'home-en');
  await page.close();
});

test('an old ward that was split shows every new ward, typed without diacritics', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/don-vi?lang=vi');
  await page.keyboard.press('Tab'); // skip link first: the page works with the keyboard
  await page.getByLabel('Tìm trong').selectOption('legacy');
  await page.getByLabel(/Tên hoặc mã đơn vị/).fill('cong vi');
  const row = page.locator('#results tbody tr').filter({ hasText: 'Phường Cống Vị' });
  await row.first().waitFor();
  const text = await row.first().innerText();
  assert.match(text, /Phường Ngọc Hà/);
  assert.match(text, /chia cho 2 đơn vị/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'units-legacy-search');
});

test('current units are found with or without diacritics and a bad query is harmless', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/don-vi?q=HA%20NOI&lang=vi');
  assert.match(await page.locator('#results tbody tr').first().innerText(), /Thành phố Hà Nội/);
  await page.goto(server.url + '/don-vi?q=%25%25%25&lang=vi');
  assert.equal(await page.locator('.error').count(), 0);
  await page.goto(server.url + '/don-vi?q=zzzzqqq&lang=vi');
  assert.match(await page.locator('#results').innerText(), /Không tìm thấy đơn vị nào/);
  const size = (await (await fetch(server.url + '/don-vi?q=xa&lang=vi')).arrayBuffer()).byteLength;
  assert.ok(size < 100_000, `a results page is ${size} bytes; it must stay under 100 KB on slow links`);
});
