// Journeys of the officer desk: reception of a citizen of another commune
// (phi địa giới) with a registry look-up under a grant, a supplement and
// an apology with a new date through the dossier page's buttons, a refused
// action and a stale form explained inline, the work-list tabs and pages,
// and the leader's server-drawn chart. Every page gets an axe check and
// desktop and phone screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

// Thái Nguyên (the default province): the officer works at the service
// centre of Xã La Hiên (05740); the citizen lives in Xã Tràng Xá (05746).
const CENTRE = 'H55.X05740.TT';
const COMMITTEE = 'H55.X05740';
const OTHER_COMMUNE = 'H55.X05746';
const OFFICER = 'cb-tiepnhan';
const CITIZEN = { id: '019087123456', name: 'Nguyễn Văn An', dob: '1987-03-04' };

let server; let browser;
const dir = mkdtempSync(join(tmpdir(), 'motcua-desk-'));
const people = join(dir, 'people.csv');
writeFileSync(people, [
  'personal_id,full_name,birth_date,sex,permanent_unit,temporary_unit,household_code,household_relation',
  `${CITIZEN.id},${CITIZEN.name},${CITIZEN.dob},male,05746,,HK-05746-001,Chủ hộ`,
].join('\n') + '\n');

before(async () => {
  server = await startServer({
    setup: [
      ['registry', 'import', people],
      ['grants', 'create', '--officer', OFFICER, '--unit', '05740', '--purpose',
        'Tiếp nhận hồ sơ tại bộ phận một cửa', '--days', '30', '--by', 'quan-tri'],
      // A real specialist to hand over to (a made-up id is refused), at the
      // committee that decides these dossiers: a hand-over stays inside the
      // agency that holds the dossier.
      ['accounts', 'create', 'chuyen-vien-2', '--name', 'Lê Thị Cúc', '--position', 'Công chức Tư pháp - Hộ tịch',
        '--agency', OTHER_COMMUNE, '--role', 'specialist', '--scope', `agency:${OTHER_COMMUNE}`],
    ],
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

/** A browser context logged in with the development cookie. */
async function officerPage(officer = OFFICER, agency = CENTRE) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addCookies([{ name: 'motcua_dev', value: `${officer}:${agency}`, url: server.url }]);
  return context.newPage();
}

let keys = 0;
/** Calls the dossier API as an officer of the centre. */
async function api(path, body, headers = {}) {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: {
      authorization: `Bearer dev:${OFFICER}:${CENTRE}`,
      'content-type': 'application/json',
      'idempotency-key': `desk-test-${Date.now()}-${keys++}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Receives a birth registration at the centre, decided by another commune. */
function receive(name = CITIZEN.name) {
  const submitted = { kind: 'submitted', digitised: false };
  const waived = { kind: 'waived', source: { kind: 'population_database' } };
  return api('/api/v1/dossiers', {
    procedure: '1.001193',
    applicant: { kind: 'citizen', id: CITIZEN.id, name, phone: '0912345678' },
    channel: 'in_person',
    deciding_agency: OTHER_COMMUNE,
    components: [
      { code: 'TP1', state: submitted }, { code: 'TP2', state: submitted },
      { code: 'TP6', state: waived }, { code: 'TP7', state: waived },
    ],
  });
}

async function check(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: accessibility`);
  await screenshots(page, name);
}

test('an anonymous visit goes to the login page and comes back after the development login', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/can-bo/tiep-nhan?lang=vi');
  assert.match(page.url(), /\/dang-nhap\?next=\/can-bo\/tiep-nhan%3Flang%3Dvi$/);
  await page.getByRole('link', { name: /Đăng nhập phát triển/ }).click();
  await page.waitForURL(/\/dang-nhap\/phat-trien\?next=/);
  assert.match(await page.locator('main').innerText(), /đăng nhập phát triển/);
  await page.getByLabel('Mã cán bộ').fill(OFFICER);
  await page.getByLabel('Mã định danh cơ quan').fill(CENTRE);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/can-bo\/tiep-nhan/);
  assert.match(await page.locator('h1').innerText(), /Tiếp nhận hồ sơ/);
  await page.close();
});

test('an officer receives an in-person dossier for a citizen of another commune (phi địa giới)', async () => {
  const page = await officerPage();
  await page.goto(server.url + '/can-bo/tiep-nhan?lang=vi');
  await page.getByLabel(/Số định danh cá nhân/).fill(CITIZEN.id);
  await page.getByLabel('Họ và tên').fill('nguyen van an');
  await page.getByLabel('Ngày sinh').fill(CITIZEN.dob);
  await page.getByRole('button', { name: 'Tra cứu CSDL dân cư' }).click();
  await page.locator('#lookup-result .ok').waitFor();
  const found = await page.locator('#lookup-result').innerText();
  assert.match(found, /Đã xác thực/);
  assert.match(found, /Xã Tràng Xá/);
  // The registry's spelling replaces what was typed.
  assert.equal(await page.getByLabel('Họ và tên').inputValue(), CITIZEN.name);
  // Search as you type, then pick: htmx shows the checklist.
  await page.getByLabel(/Tìm thủ tục/).fill('khai sinh');
  await page.locator('input[name=procedure][value="1.001193"]').check();
  await page.locator('#checklist').waitFor();
  const checklist = await page.locator('#checklist').innerText();
  assert.match(checklist, /Đăng ký khai sinh/);
  assert.match(checklist, /Miễn nộp: CSDL quốc gia về dân cư/);
  assert.match(checklist, /không phụ thuộc địa giới/);
  // The deciding agency defaults to the citizen's commune.
  assert.equal(await page.locator('#deciding_agency').inputValue(), OTHER_COMMUNE);
  await check(page, 'desk-reception');
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).dblclick();
  await page.waitForURL(/\/can-bo\/tiep-nhan\/da-nhan\//);
  const code = await page.locator('#dossier-code').innerText();
  assert.match(code, /^H55\.X05740\.TT-\d{6}-\d{4}$/);
  const summary = await page.locator('main').innerText();
  assert.match(summary, /Ủy ban nhân dân Xã Tràng Xá/);
  assert.match(summary, /phi địa giới/);
  assert.equal(await page.locator('#receipt-link').getAttribute('href'), `/ho-so/${code}/bien-nhan`);
  await check(page, 'desk-received');
  // The double click made one dossier: the list holds it once.
  await page.goto(server.url + '/can-bo/ho-so?lang=vi');
  assert.equal(await page.locator('table.desk-list a', { hasText: code }).count(), 1);
  await page.close();
});

test('a look-up without a grant is refused with its reason, inline', async () => {
  const page = await officerPage('cb-khong-quyen', CENTRE);
  await page.goto(server.url + '/can-bo/tiep-nhan?lang=vi');
  await page.getByLabel(/Số định danh cá nhân/).fill(CITIZEN.id);
  await page.getByLabel('Họ và tên').fill(CITIZEN.name);
  await page.getByLabel('Ngày sinh').fill(CITIZEN.dob);
  await page.getByRole('button', { name: 'Tra cứu CSDL dân cư' }).click();
  await page.locator('#lookup-result .error').waitFor();
  assert.match(await page.locator('#lookup-result').innerText(), /Không được tra cứu: Chưa được phân quyền/);
  await page.close();
});

test('a supplement request, its receipt, a refused extension and an apology with a new date, through the buttons', async () => {
  const { code } = await receive();
  const page = await officerPage();
  await page.goto(`${server.url}/can-bo/ho-so/${code}?lang=vi`);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Được tiếp nhận');
  await page.locator('#act-request_supplement summary').click();
  const supplement = page.locator('#act-request_supplement');
  await supplement.getByLabel('Lý do').fill('Giấy chứng sinh bị mờ, không đọc được');
  await supplement.getByLabel(/^Giấy chứng sinh/).check();
  await supplement.getByRole('button').click();
  await page.waitForURL(/xong=request_supplement/);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Chờ bổ sung giấy tờ');
  assert.match(await page.locator('.desk-timeline').innerText(), /Yêu cầu bổ sung hồ sơ/);
  await page.locator('#act-supplement_received summary').click();
  await page.locator('#act-supplement_received').getByRole('button').click();
  await page.waitForURL(/xong=supplement_received/);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Được tiếp nhận');

  // A new date before the current due date: the domain refuses and says why.
  const extend = page.locator('#act-apologise_and_extend');
  await extend.locator('summary').click();
  await extend.getByLabel('Lý do chậm trễ').fill('Chờ xác minh thông tin với xã nơi sinh');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await extend.getByLabel('Ngày hẹn trả mới').fill(yesterday);
  await extend.getByRole('button').click();
  const refusal = page.locator('#act-apologise_and_extend .error[role=alert]');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại/);
  assert.equal(await page.locator('#act-apologise_and_extend').getAttribute('open'), '');
  // What the officer typed is still there to correct.
  assert.equal(await extend.getByLabel('Lý do chậm trễ').inputValue(), 'Chờ xác minh thông tin với xã nơi sinh');
  await check(page, 'desk-dossier-refused');

  const later = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await extend.getByLabel('Lý do chậm trễ').fill('Chờ xác minh thông tin với xã nơi sinh');
  await extend.getByLabel('Ngày hẹn trả mới').fill(later);
  await extend.getByRole('button').click();
  await page.waitForURL(/xong=apologise_and_extend/);
  const body = await page.locator('main').innerText();
  assert.match(body, /Xin lỗi và hẹn lại ngày trả/);
  assert.match(body, /Gia hạn/);
  // An apology alone does not make the dossier late (766 rule, legal review D9).
  assert.doesNotMatch(body, /tính là trễ hạn/);
  const [y, m, d] = later.split('-');
  assert.match(body, new RegExp(`${d}/${m}/${y} 17:00`));
  await check(page, 'desk-dossier');
  await page.close();
});

test('a form shown before another officer acted is a conflict, explained', async () => {
  const { code } = await receive();
  const page = await officerPage();
  await page.goto(`${server.url}/can-bo/ho-so/${code}?lang=vi`);
  // Someone else hands it over first.
  await api(`/api/v1/dossiers/${code}/actions/hand_over`, { to: 'chuyen-vien-2', step_working_days: 1 });
  await page.locator('#act-stop summary').click();
  await page.locator('#act-stop').getByLabel('Lý do').fill('Công dân đề nghị dừng');
  await page.locator('#act-stop').getByRole('button').click();
  await page.locator('#conflict').waitFor();
  assert.match(await page.locator('#conflict').innerText(), /Cán bộ khác vừa xử lý hồ sơ này/);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Đang xử lý');
  // The timeline says who got it and whether the hand-over was in time (form 06).
  const timeline = await page.locator('.desk-timeline').innerText();
  assert.match(timeline, /Chuyển bước xử lý → Lê Thị Cúc \(Công chức Tư pháp - Hộ tịch\)/);
  assert.match(timeline, /trước hạn|đúng hạn/);
  await page.close();
});

test('work-list tabs count, filter and page by keyset; the page stays under 100 KB; CSV masks IDs', async (t) => {
  const created = [];
  for (let i = 0; i < 52; i++) created.push((await receive(`Người nộp ${i}`)).code);
  const waiting = created[0];
  await api(`/api/v1/dossiers/${waiting}/actions/request_supplement`, { reason: 'Thiếu tờ khai', missing: ['Tờ khai'] });
  const page = await officerPage();
  await page.goto(server.url + '/can-bo/ho-so?lang=vi');
  const count = async (tab) => Number(await page.locator(`a[data-tab=${tab}] .count`).innerText());
  const total = await count('unit');
  assert.ok(total >= 52, `unit tab counts ${total}`);
  assert.equal(await count('supplement'), 1);
  assert.equal(await count('overdue'), 0);
  assert.equal(await page.locator('table.desk-list tbody tr').count(), 50);
  await check(page, 'desk-work-list');
  const cookie = { cookie: `motcua_dev=${OFFICER}:${CENTRE}` };
  const size = (await (await fetch(server.url + '/can-bo/ho-so?lang=vi', { headers: cookie })).arrayBuffer()).byteLength;
  assert.ok(size < 100_000, `a 50-row work list is ${size} bytes; it must stay under 100 KB`);
  t.diagnostic(`a 50-row work list page is ${size} bytes uncompressed`);
  await page.getByRole('link', { name: 'Trang sau' }).click();
  const second = await page.locator('table.desk-list tbody tr').count();
  assert.equal(50 + second, total);
  await page.getByRole('link', { name: /Chờ bổ sung/ }).click();
  const rows = page.locator('table.desk-list tbody tr');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), new RegExp(waiting.replaceAll('.', '\\.')));
  // Latest due first reverses the order.
  await page.goto(server.url + '/can-bo/ho-so?lang=vi&sort=due_desc&procedure=1.001193');
  assert.equal(await page.locator('table.desk-list tbody tr').count(), 50);
  const raw = Buffer.from(await (await fetch(server.url + '/can-bo/ho-so.csv?tab=unit', { headers: cookie })).arrayBuffer());
  // Excel in Vietnam needs the UTF-8 byte-order mark (fetch's text() would strip it).
  assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const csv = raw.subarray(3).toString('utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, total + 1);
  assert.match(lines[0], /^Mã hồ sơ,Mã thủ tục,Thủ tục,Trạng thái,Người nộp/);
  assert.ok(!csv.includes(CITIZEN.id), 'the CSV must not hold a whole personal ID');
  // Every string switches to English.
  await page.goto(server.url + '/can-bo/ho-so?lang=en');
  assert.match(await page.locator('h1').innerText(), /Work list/);
  assert.match(await page.locator('.desk-tabs').innerText(), /Waiting for a supplement/);
  await page.close();
});

test('the leader sees today, this month, overdue groups and the chart drawn by the server', async () => {
  const { code } = await receive();
  await api(`/api/v1/dossiers/${code}/actions/result_ready`, { documents: [{ name: 'Giấy khai sinh', number: '01/2026' }] });
  const page = await officerPage('lanh-dao-xa', COMMITTEE);
  await page.goto(server.url + '/can-bo/lanh-dao?lang=vi');
  const chart = page.locator('svg#intake-chart');
  await chart.waitFor();
  assert.match(await chart.locator('title').first().textContent(), /Hồ sơ tiếp nhận mỗi ngày/);
  const bars = chart.locator('rect.bar');
  const today = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', day: 'numeric' }).format(new Date()));
  assert.equal(await bars.count(), today, 'one bar per day of the month so far');
  const heights = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
  assert.ok(heights.at(-1) > 0, 'today has received dossiers');
  assert.equal(await chart.locator('circle.on-time-dot').count(), 1);
  const text = await page.locator('main').innerText();
  assert.match(text, /Hôm nay/);
  assert.match(text, /100 %/);
  // The text alternative: the table holds today's row.
  assert.ok(await page.locator('details table tbody tr').count() >= 1);
  await check(page, 'desk-leader');
  await page.goto(server.url + '/can-bo/lanh-dao?lang=en');
  assert.match(await page.locator('h1').innerText(), /How dossiers are resolved/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Hôm nay|Tiếp nhận|Đúng hạn/);
  await page.close();
});

test('an online dossier is received from its page: files open inline, papers shown and taken from the population database', async () => {
  // The citizen files online with the declaration (TP1) and the birth certificate (TP2) only.
  writeFileSync(join(dir, 'to-khai.pdf'),
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
  writeFileSync(join(dir, 'giay-chung-sinh.png'), Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
  const citizen = await browser.newPage();
  await citizen.goto(server.url + '/thu-tuc/1.001193/nop-truc-tuyen?lang=vi');
  // Papers the procedure says need not be shown online are not "Bắt buộc" (UX #4).
  const identity = citizen.locator('.file-row', { has: citizen.locator('#file_TP6') });
  assert.doesNotMatch(await identity.innerText(), /Bắt buộc/);
  await citizen.getByLabel('Họ và tên').fill(CITIZEN.name);
  await citizen.getByLabel(/Số định danh cá nhân/).fill(CITIZEN.id);
  await citizen.getByLabel('Số điện thoại').fill('0912 345 678');
  const address = citizen.getByLabel('Địa chỉ liên hệ');
  if (await address.count()) await address.fill('Tổ 5, xã Tràng Xá');
  await citizen.getByLabel(/Nộp tại xã, phường/).selectOption(CENTRE);
  await citizen.locator('#file_TP1').setInputFiles(join(dir, 'to-khai.pdf'));
  await citizen.locator('#file_TP2').setInputFiles(join(dir, 'giay-chung-sinh.png'));
  await citizen.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await citizen.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await citizen.locator('h1', { hasText: 'Đã nộp hồ sơ' }).waitFor();
  const code = await citizen.locator('#dossier-code').innerText();
  await citizen.close();

  const page = await officerPage();
  await page.goto(`${server.url}/can-bo/ho-so/${code}?lang=vi`);
  // The citizen's files are listed, each opening in the browser (UX #2).
  const files = page.locator('#dossier-files');
  assert.match(await files.innerText(), /to-khai\.pdf/);
  assert.match(await files.innerText(), /giay-chung-sinh\.png/);
  const href = await files.getByRole('link', { name: 'to-khai.pdf' }).getAttribute('href');
  assert.match(href, /inline=true/);
  const opened = await fetch(server.url + href, { headers: { cookie: `motcua_dev=${OFFICER}:${CENTRE}` } });
  assert.equal(opened.status, 200);
  assert.match(opened.headers.get('content-disposition'), /^inline;/);

  // The checklist of the desk; a look-up under the officer's grant (UX #1).
  const receive = page.locator('#act-receive');
  await receive.locator('summary').click();
  assert.match(await receive.locator('#receive-checklist').innerText(), /to-khai\.pdf/);
  await receive.getByLabel('Ngày sinh').fill(CITIZEN.dob);
  await receive.getByRole('button', { name: 'Tra cứu CSDL dân cư' }).click();
  await page.waitForURL(/tra_cuu=found/);
  await page.locator('#act-receive summary').click();
  await page.locator('#reuse-recorded').waitFor();
  assert.equal(await page.locator('#c_TP7').inputValue(), 'reused');
  await page.locator('#c_TP6').selectOption('presented');
  await check(page, 'desk-online-receive');
  await page.locator('#act-receive').getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
  await page.waitForURL(/xong=receive/);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Được tiếp nhận');
  const components = await page.locator('section[aria-labelledby=h-components]').innerText();
  assert.match(components, /Đã xuất trình/);
  assert.match(components, /Lấy từ CSDL quốc gia về dân cư/);
  await page.close();
});
