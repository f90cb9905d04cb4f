// Khó khăn, vướng mắc (issue 16, "What it must show") through the desk pages
// only: a commune officer of Xã La Hiên (Thái Nguyên) files an obstacle about
// procedure 1.004873 from "Vướng mắc" of the desk navigation; the system
// attaches the live figures of that procedure's dossiers at the commune (an
// open online filing), at submission and now. The UBND tỉnh Thái Nguyên
// receives it and escalates it to the Government Office (G90). Xã Tràng Xá
// (Thái Nguyên) and Phường Giảng Võ (Hà Nội) file the same obstacle (without
// diacritics, in capitals); each province merges its commune's case into the
// first one. The Government Office receives the case and answers once; each
// of the three communes opens its own case from its list and reads the
// answer. The province leader opens the monthly report, adds an assessment,
// and downloads the PDF, read back with pdftotext: the case is answered.
//
// Setup through the CLI: the default agencies of Thái Nguyên (19, H55) and of
// Hà Nội (01, T01, with `--config`); the ministries' agencies come from the
// obstacle data through `motcua demo seed --dossiers 0` run for Hà Nội (the
// documented way to create them; it also seeds Hà Nội's demo cases, which
// this journey leaves aside). Officers are accounts created by the CLI and
// log in with the development cookie. Every checked page gets axe, the Nu
// HTML checker (via screenshots()) and desktop and phone screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

const PROCEDURE = '1.004873';
const CENTRE = 'H55.X05740.TT';
const COMMUNE1 = { id: 'cb-la-hien', name: 'Trần Thị Lan', agency: 'H55.X05740', role: 'specialist' };
const COMMUNE2 = { id: 'cb-trang-xa', name: 'Nông Văn Hải', agency: 'H55.X05746', role: 'specialist' };
const COMMUNE3 = { id: 'cb-giang-vo', name: 'Lê Minh Tuấn', agency: 'T01.X00025', role: 'specialist' };
const PROVINCE1 = { id: 'ld-thai-nguyen', name: 'Hoàng Văn Dũng', agency: 'H55', role: 'leader' };
const PROVINCE2 = { id: 'ld-ha-noi', name: 'Phạm Thu Hà', agency: 'T01', role: 'leader' };
const MINISTRY = { id: 'cv-vpcp', name: 'Đặng Quốc Bảo', agency: 'G90', role: 'specialist' };
const OFFICERS = [COMMUNE1, COMMUNE2, COMMUNE3, PROVINCE1, PROVINCE2, MINISTRY];

const TITLE = 'Không liên thông được hồ sơ hộ kinh doanh lên hệ thống của tỉnh';
const DESCRIPTION = 'Hồ sơ đăng ký hộ kinh doanh tiếp nhận tại xã không chuyển được sang hệ thống của tỉnh; người dân phải nộp lại.';
const PROPOSAL = 'Đề nghị Văn phòng Chính phủ hướng dẫn thống nhất quy trình liên thông.';
const REASON = 'Vượt thẩm quyền của tỉnh: cần hướng dẫn thống nhất toàn quốc.';
const ANSWER = 'Đã hướng dẫn tại Công văn số 123/VPCP-KSTT: hồ sơ chuyển qua trục liên thông quốc gia.';
const ASSESSMENT = 'Vướng mắc liên thông đã được Văn phòng Chính phủ trả lời trong kỳ.';

let server; let browser;
const dir = mkdtempSync(join(tmpdir(), 'motcua-obstacles-'));
const HANOI = join(dir, 'ha-noi.toml');
writeFileSync(HANOI, '[province]\ncode = "01"\nidentifier_root = "T01"\n');

before(async () => {
  server = await startServer({
    setup: [
      ['agencies', 'generate'],
      ['--config', HANOI, 'agencies', 'generate'],
      ['--config', HANOI, 'demo', 'seed', '--dossiers', '0'],
      ...OFFICERS.map((o) => ['accounts', 'create', o.id, '--name', o.name, '--agency', o.agency,
        '--role', o.role, '--scope', `agency:${o.agency}`]),
    ],
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function check(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: accessibility`);
  await screenshots(page, name);
}

/** A page logged in as `who` with the development cookie (loopback only). */
async function officerPage(who) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addCookies([{ name: 'motcua_dev', value: `${who.id}:${who.agency}`, url: server.url }]);
  return context.newPage();
}

/** An online filing of the procedure at commune 1's centre (through the API). */
async function fileOnline(n) {
  const res = await fetch(server.url + '/api/v1/dossiers', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `vm-${n}-${Date.now()}` },
    body: JSON.stringify({
      procedure: PROCEDURE,
      applicant: { kind: 'citizen', id: `01908712345${n}`, name: 'Nguyễn Văn An', phone: '0912345678' },
      channel: 'online',
      receiving_unit: CENTRE,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
}

/** The desk navigation → "Vướng mắc" → "Báo cáo vướng mắc mới" → the form, sent; answers the case id. */
async function raise(page, title, name) {
  await page.goto(server.url + '/can-bo/vuong-mac?lang=vi');
  await page.locator('#obstacle-new').click();
  await page.waitForURL(/\/can-bo\/vuong-mac\/moi$/);
  await page.getByLabel('Tiêu đề').fill(title);
  await page.getByLabel('Lĩnh vực vướng mắc').selectOption({ label: 'Thủ tục hành chính' });
  await page.getByLabel('Nội dung vướng mắc').fill(DESCRIPTION);
  await page.getByLabel('Đề xuất, kiến nghị').fill(PROPOSAL);
  await page.getByLabel(/Thủ tục bị ảnh hưởng/).fill(PROCEDURE);
  if (name) await check(page, name);
  await page.locator('#obstacle-submit').click();
  await page.waitForURL(/\/can-bo\/vuong-mac\/[^/?]+\?da=submit$/);
  assert.equal(await page.locator('#obstacle-status').getAttribute('data-status'), 'submitted');
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
}

/** From the officer's inbox, opens the case `id` by its link. */
async function openFromInbox(page, id) {
  await page.goto(server.url + '/can-bo/vuong-mac?lang=vi');
  const item = page.locator('#obstacle-list li', { hasText: id });
  await item.getByRole('link').click();
  await page.waitForURL(new RegExp(`/can-bo/vuong-mac/${id}$`));
  return item;
}

/** Takes a step on the case page: opens its panel, types `text` / `into`, sends. */
async function step(page, action, { text, into } = {}) {
  const panel = page.locator(`details:has(#step-${action})`);
  if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
  if (text !== undefined) await panel.locator(`#s-${action}`).fill(text);
  if (into !== undefined) await panel.locator('#s-merge').fill(into);
  await panel.locator(`#step-${action}`).click();
  await page.waitForURL(new RegExp(`\\?da=${action}$`));
}

/** The definition list of the case page as { label: value }. */
async function fields(page) {
  return page.locator('dl.desk-dl').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
}

/**
 * Runs pdftotext on a PDF in content order (`-raw`: a table's cells one after
 * the other); returns its text with all whitespace removed, so words wrapped
 * inside a cell (the case ids too) compare whole.
 */
function pdfText(bytes) {
  const file = join(dir, `report-${Date.now()}.pdf`);
  writeFileSync(file, bytes);
  const run = spawnSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `pdftotext (Debian poppler-utils): ${run.stderr ?? run.error}`);
  return run.stdout.replace(/\s+/g, '');
}

/** `text` without whitespace. */
const compact = (text) => text.replace(/\s+/g, '');

test('a commune raises an obstacle with live evidence, the province escalates, the Government Office answers once for three communes of two provinces, the report lists it answered', async () => {
  await fileOnline(1);

  // Commune 1 files the obstacle from the desk navigation.
  const c1 = await officerPage(COMMUNE1);
  await c1.goto(server.url + '/can-bo/ho-so?lang=vi');
  await c1.locator('nav.desk-nav').getByRole('link', { name: 'Vướng mắc' }).click();
  await c1.waitForURL(/\/can-bo\/vuong-mac$/);
  await check(c1, 'obstacles-inbox-empty');
  const id1 = await raise(c1, TITLE, 'obstacles-new');
  assert.match(await c1.locator('[role=status]').innerText(), /Đã gửi vướng mắc/);
  let f = await fields(c1);
  assert.equal(f['Cơ quan chủ trì'], 'Ủy ban nhân dân Tỉnh Thái Nguyên', JSON.stringify(f));
  assert.match(f['Hạn trả lời'], /\d{2}\/\d{2}\/\d{4}/);
  // The evidence is the system's: one open dossier of the procedure at submission.
  const figures = c1.locator('#obstacle-figures tbody tr', { hasText: PROCEDURE });
  assert.match(await figures.locator('td').nth(0).innerText(), /^1 đang giải quyết/);
  assert.match(await figures.locator('td').nth(1).innerText(), /^1 đang giải quyết/);
  await check(c1, 'obstacles-submitted');
  // A second filing: "now" follows the dossiers, "at submission" stays.
  await fileOnline(2);
  await c1.reload();
  assert.match(await figures.locator('td').nth(0).innerText(), /^1 đang giải quyết/);
  assert.match(await figures.locator('td').nth(1).innerText(), /^2 đang giải quyết/);
  // The commune cannot answer its own case: no such step on its page.
  assert.equal(await c1.locator('#step-answer').count(), 0);

  // The UBND tỉnh Thái Nguyên receives it and escalates it to the Government Office.
  const p1 = await officerPage(PROVINCE1);
  await openFromInbox(p1, id1);
  await check(p1, 'obstacles-province-case');
  await step(p1, 'receive');
  assert.equal(await p1.locator('#obstacle-status').getAttribute('data-status'), 'received');
  await step(p1, 'escalate', { text: REASON });
  assert.equal(await p1.locator('#obstacle-status').getAttribute('data-status'), 'escalated');
  f = await fields(p1);
  assert.equal(f['Cơ quan chủ trì'], 'Văn phòng Chính phủ', JSON.stringify(f));
  assert.match(await p1.locator('.timeline').innerText(), new RegExp(`${REASON} → Văn phòng Chính phủ`));
  await check(p1, 'obstacles-escalated');

  // The same obstacle from a second commune of Thái Nguyên (no diacritics)
  // and a ward of Hà Nội (capitals).
  const c2 = await officerPage(COMMUNE2);
  const id2 = await raise(c2, 'khong lien thong duoc ho so ho kinh doanh len he thong cua tinh');
  const c3 = await officerPage(COMMUNE3);
  const id3 = await raise(c3, TITLE.toUpperCase());
  f = await fields(c3);
  assert.equal(f['Cơ quan chủ trì'], 'Ủy ban nhân dân Thành phố Hà Nội', JSON.stringify(f));

  // Each province merges its commune's case into the first one; the page
  // suggests it as similar whatever the diacritics.
  await openFromInbox(p1, id2);
  assert.match(await p1.locator('#obstacle-similar').innerText(), new RegExp(id1));
  await check(p1, 'obstacles-similar');
  await step(p1, 'merge', { into: id1 });
  assert.equal(await p1.locator('#obstacle-status').getAttribute('data-status'), 'merged');
  const p2 = await officerPage(PROVINCE2);
  await openFromInbox(p2, id3);
  await step(p2, 'merge', { into: id1 });
  assert.equal(await p2.locator('#obstacle-status').getAttribute('data-status'), 'merged');

  // The Government Office finds the case in its inbox, receives it and answers once.
  const m = await officerPage(MINISTRY);
  await openFromInbox(m, id1);
  await step(m, 'receive');
  await check(m, 'obstacles-ministry-case');
  await step(m, 'answer', { text: ANSWER });
  assert.equal(await m.locator('#obstacle-status').getAttribute('data-status'), 'answered');
  assert.match(await m.locator('[role=status]').innerText(), /các đơn vị cùng vướng mắc đều nhận được câu trả lời/);
  const group = await m.locator('section.card', { hasText: 'Các đơn vị cùng vướng mắc' }).innerText();
  assert.match(group, new RegExp(id2));
  assert.match(group, new RegExp(id3));
  await check(m, 'obstacles-answered');

  // Each commune sees the answer in its own case, from its own list.
  for (const [page, id, name] of [[c1, id1, 'c1'], [c2, id2, 'c2'], [c3, id3, 'c3']]) {
    await openFromInbox(page, id);
    assert.equal(await page.locator('#obstacle-status').getAttribute('data-status'), 'answered', `${name} ${id}`);
    assert.match(await page.locator('#obstacle-answer').innerText(), new RegExp(`^${ANSWER.replace(/[.:]/g, '\\$&')} — Văn phòng Chính phủ`));
    if (name !== 'c1') assert.match(await page.locator('.timeline').innerText(), /Nhận trả lời chung/);
  }
  await check(c3, 'obstacles-commune-sees-answer');

  // The province leader's monthly report: the case and the merged one answered.
  await p1.goto(server.url + '/can-bo/vuong-mac?lang=vi');
  await p1.locator('#obstacle-report').click();
  await p1.waitForURL(/\/can-bo\/vuong-mac\/bao-cao$/);
  await p1.getByLabel('Đánh giá của lãnh đạo').fill(ASSESSMENT);
  await p1.getByRole('button', { name: 'Xem báo cáo' }).click();
  await p1.waitForURL(/bao-cao\?.*assessment=/);
  const totals = await p1.locator('#report-totals').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
  assert.deepEqual(totals, {
    'Mới phát sinh': '2', 'Đã trả lời': '2', 'Đã giải quyết xong': '0', 'Đang chờ trả lời': '0', 'Quá hạn': '0',
  });
  const shown = p1.locator('#report-lines li', { hasText: id1 });
  assert.match(await shown.innerText(), /Đã trả lời · Văn phòng Chính phủ/);
  assert.match(await shown.innerText(), new RegExp(`Trả lời: ${ANSWER.slice(0, 30)}`));
  await check(p1, 'obstacles-report');

  const href = await p1.locator('#report-pdf').getAttribute('href');
  assert.match(href, /^\/can-bo\/vuong-mac\/bao-cao\.pdf\?unit=H55&period=\d{4}-\d{2}&assessment=/);
  const res = await p1.context().request.get(server.url + href);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  const text = pdfText(await res.body());
  assert.match(text, /BÁOCÁOTÌNHHÌNHKHÓKHĂN,VƯỚNGMẮCTHÁNG\d+\/\d{4}/, text);
  assert.ok(text.includes('Vướngmắcmớiphátsinhtrongkỳ:2'), text);
  assert.ok(text.includes('Đãđượctrảlờitrongkỳ:2'), text);
  assert.ok(text.includes('Cònchờtrảlờicuốikỳ:0'), text);
  assert.ok(text.includes(compact(ASSESSMENT)), text);
  assert.ok(!text.includes('QUÁHẠN'), text);
  // One line per case of the province's communes, up to the next case or section V.
  const line = (id) => {
    const start = text.indexOf(id);
    assert.ok(start >= 0, `${id} is a line of the report: ${text}`);
    const rest = text.slice(start + id.length);
    return rest.slice(0, rest.search(/VM-|V\.Đánhgiá/));
  };
  const first = line(id1);
  assert.ok(first.startsWith(compact(`Ủy ban nhân dân Xã La Hiên: ${TITLE}`)), first);
  // The evidence as of submission and now, computed from the dossiers.
  assert.ok(first.includes(`khigửi:${PROCEDURE}:1đanggiảiquyết`), first);
  assert.ok(first.includes(`hiệnnay:${PROCEDURE}:2đanggiảiquyết`), first);
  assert.ok(first.includes(compact(PROPOSAL)), first);
  assert.ok(first.includes(compact(`Đã trả lời — Văn phòng Chính phủ. Trả lời: ${ANSWER}`)), first);
  const merged = line(id2);
  assert.ok(merged.startsWith('ỦybannhândânXãTràngXá:'), merged);
  assert.ok(merged.includes(compact(`Đã trả lời`)) && merged.includes(compact(ANSWER)), merged);

  for (const page of [c1, c2, c3, p1, p2, m]) await page.context().close();
});

