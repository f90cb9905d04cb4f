// Journey: a province's relay (inside `motcua serve`) parks an event while
// the national hub is down; an officer sees it on /can-bo/trao-doi and
// replays it with the keyboard; the hub's dashboard /quoc-gia then counts
// every dossier. Both pages pass the accessibility check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

const KEY = 'whsec_d2ViLXRlc3RzLWV4Y2hhbmdlLWtleS0xOQ==';
const bin = process.env.MOTCUA_BIN ?? join(import.meta.dirname, '..', '..', 'target', 'debug', 'motcua');
const work = mkdtempSync(join(tmpdir(), 'motcua-web-exchange-'));
const children = [];
let browser;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function serve(args) {
  const child = spawn(bin, args, { env: { ...process.env, MOTCUA_LOG: 'error' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`motcua did not start: ${seen}`)), 90_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const m = seen.match(/http:\/\/[0-9.:]+/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
  });
}

async function until(what, check, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${what}`);
}

let province; let hubUrl; let center; let hubPort;
before(async () => {
  browser = await launchBrowser();
  hubPort = await freePort();
  hubUrl = `http://127.0.0.1:${hubPort}`;
  writeFileSync(join(work, 'hub.toml'), `[national]\nsenders = { "19" = ["${KEY}"] }\n`);
  writeFileSync(join(work, 'province.toml'),
    `[exchange]\nenabled = true\nbatch = 50\nlease_secs = 2\npoll_ms = 100\nmax_attempts = 1\n` +
    `backoff_base_ms = 50\nbackoff_max_secs = 1\nhub_url = "${hubUrl}"\nhub_key = "${KEY}"\n`);
  province = await serve(['--config', join(work, 'province.toml'), 'serve', '--demo', '--listen', '127.0.0.1:0', '--data-dir', join(work, 'prov')]);
  const agencies = await (await fetch(`${province}/api/v1/agencies?kind=commune_service_center&limit=1`)).json();
  center = agencies.items[0].id;
});
after(async () => {
  await browser?.close();
  for (const c of children) { c.kill('SIGTERM'); }
  rmSync(work, { recursive: true, force: true });
});

async function file(i, channel) {
  const res = await fetch(`${province}/api/v1/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer dev:web:${center}`, 'idempotency-key': `web-${i}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      procedure: '1.004873',
      applicant: { kind: 'citizen', id: '019087123456', name: 'Lê Văn Bình', phone: '0987654321' },
      channel, ...(channel === 'online' ? { receiving_unit: center } : {}),
    }),
  });
  assert.equal(res.status, 201);
}

async function outbox() {
  const res = await fetch(`${province}/api/v1/exchange/dead-letters`, { headers: { authorization: `Bearer dev:web:${center}` } });
  return res.json();
}

test('a parked event is replayed from the exchange page, then the hub counts every dossier', async () => {
  // The hub is not running yet: the first event fails once and is parked.
  await file(0, 'in_person');
  await until('a dead letter', async () => (await outbox()).dead === 1);

  const page = await browser.newPage();
  await page.goto(`${province}/can-bo/trao-doi?lang=vi`);
  assert.match(await page.locator('body').innerText(), /Cần đăng nhập/);
  await page.context().addCookies([{ name: 'motcua_dev', value: `web:${center}`, url: province }]);
  await page.goto(`${province}/can-bo/trao-doi?lang=vi`);
  const row = page.locator('table.exchange-dead tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.first().innerText(), /dossier\.received/);
  assert.match(await row.first().innerText(), /hub unreachable/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'exchange-dead-letters');

  // Start the hub, file more, and replay the parked event with the keyboard.
  await serve(['--config', join(work, 'hub.toml'), 'serve', '--role', 'national', '--listen', `127.0.0.1:${hubPort}`, '--data-dir', join(work, 'hub')]);
  for (let i = 1; i <= 5; i++) await file(i, i % 2 ? 'online' : 'in_person');
  await page.getByRole('button', { name: /Gửi lại/ }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/replayed=/);
  assert.match(await page.locator('.notice').innerText(), /Đã đưa sự kiện số \d+ vào hàng đợi gửi lại/);
  await until('everything delivered', async () => { const o = await outbox(); return o.pending === 0 && o.dead === 0 && o.delivered === 6; });

  await page.goto(`${hubUrl}/quoc-gia?lang=vi`);
  const line = page.locator('table.national-table tbody tr');
  assert.equal(await line.count(), 1);
  const text = await line.first().innerText();
  assert.match(text, /Thái Nguyên \(19\)/);
  assert.match(text, /\b6\b/);
  assert.match(text, /50,0 %/, 'three of six filed online');
  assert.equal(await page.locator('svg.national-bars rect').count(), 1);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'national-dashboard');
  await page.goto(`${hubUrl}/quoc-gia?lang=en&from=bad`);
  assert.match(await page.locator('.notice').innerText(), /Invalid date/);
  const size = (await (await fetch(`${hubUrl}/quoc-gia`)).arrayBuffer()).byteLength;
  assert.ok(size < 100_000, `dashboard is ${size} bytes`);
  await page.close();
});
