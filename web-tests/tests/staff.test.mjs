// Staff, shortages and training (issue 17, "What it must show": a unit
// admin imports staff, sees the shortage signal for land, plans a training,
// records it) through the desk pages only. The unit administrator of Xã La
// Hiên (Thái Nguyên) opens "Nhân sự", uploads a staff file with one bad row
// (the page lists the row and imports nobody), then the corrected file
// ("Đã nhập 4 người") and downloads it back; the commune received land
// dossiers online and nobody on its staff is tagged for land, so "Thiếu hụt"
// shows the commune short of land staff, explained in words, with a link to
// its training page; there the admin plans a class for two of the imported
// people and records one completion.
//
// Setup through the CLI: the default agencies of Thái Nguyên (19, H55); the
// seed catalog plus one land procedure written by this test (the seed
// catalog has no "Đất đai" procedure; its code 9.999001 is this test's own,
// not a real one), imported with `motcua catalog import`; the unit
// administrator is an account created by the CLI, logging in with the
// development cookie. Land dossiers are filed online through the API, as a
// citizen would. Every checked page gets axe, the Nu HTML checker (via
// screenshots()) and desktop and phone screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SEED_CATALOG = join(here, '..', '..', 'reference', 'catalog', 'commune-procedures.toml');
const LAND = '9.999001';
const COMMUNE = 'H55.X05740';
const CENTRE = 'H55.X05740.TT';
const ADMIN = { id: 'qt-la-hien', name: 'Đỗ Thị Hạnh', agency: COMMUNE, role: 'unit_admin' };

const dir = mkdtempSync(join(tmpdir(), 'motcua-staff-'));
const LAND_CATALOG = join(dir, 'dat-dai.toml');
writeFileSync(LAND_CATALOG, `# One land procedure for the browser journey (test data, not a real code).
[[procedure]]
code = "${LAND}"
version = 1
valid_from = 2025-07-01
name = "Đăng ký biến động đất đai (thủ tục kiểm thử)"
levels = ["commune"]
agencies = ["ubnd_xa"]
online = "unknown"
results = ["Giấy chứng nhận đã xác nhận biến động"]
legal_basis = []
source = "S"
source_note = "Dữ liệu kiểm thử của web-tests/tests/staff.test.mjs."

[procedure.field]
name = "Đất đai"

[procedure.timing]
amount = 10
unit = "working_days"
source = "S"
saturday_morning_reception = false

[procedure.fees]
source = "NOT_FOUND"
exemptions = []

[procedure.forms]
preset = "one_stop"
`);

const HEADER = 'id,unit,full_name,account,position_group,position,department,employment,expertise,qualifications,secondment,secondment_agency,secondment_from,secondment_to';
const PEOPLE = [
  `LH-01,${COMMUNE},Nguyễn Văn Hùng,,leadership,Chủ tịch UBND,lanh_dao,can_bo,noi_vu,Thạc sĩ quản lý công,,,,`,
  `LH-02,${CENTRE},Trần Thị Lan,,specialised,Tiếp nhận và trả kết quả,trung_tam_phvhcc,cong_chuc,mot_cua_tthc,Cử nhân luật,,,,`,
  `LH-03,${COMMUNE},Lê Minh Tâm,,specialised,Tư pháp - hộ tịch,van_phong,cong_chuc,tu_phap_ho_tich,Cử nhân luật,in,Sở Tư pháp,2026-01-05,2026-12-31`,
  `LH-04,${COMMUNE},Phạm Thu Hà,,shared,Kế toán,kinh_te,cong_chuc,tai_chinh_ke_toan,Cử nhân kế toán,,,,`,
];
const BAD_ROW = `LH-05,${COMMUNE},Hoàng Văn Nam,,truong_phong,Địa chính,kinh_te,cong_chuc,dat_dai,,,,,`;

let server; let browser;

before(async () => {
  server = await startServer({
    setup: [
      ['agencies', 'generate'],
      ['catalog', 'import', SEED_CATALOG, LAND_CATALOG],
      ['accounts', 'create', ADMIN.id, '--name', ADMIN.name, '--agency', ADMIN.agency,
        '--role', ADMIN.role, '--scope', `agency:${ADMIN.agency}`],
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

/** An online filing of the land procedure at the commune's centre (through the API). */
async function fileLand(n) {
  const res = await fetch(server.url + '/api/v1/dossiers', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `dd-${n}-${Date.now()}` },
    body: JSON.stringify({
      procedure: LAND,
      applicant: { kind: 'citizen', id: `01908712345${n}`, name: 'Vũ Văn Bình', phone: '0912345678' },
      channel: 'online',
      receiving_unit: CENTRE,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
}

/** Chooses a generated CSV file in the upload form, sends it, waits for the page at `url`. */
async function upload(page, name, lines, url) {
  await page.locator('#staff-file').setInputFiles({
    name, mimeType: 'text/csv', buffer: Buffer.from([HEADER, ...lines].join('\n') + '\n', 'utf8'),
  });
  await page.getByRole('button', { name: 'Nhập danh sách' }).click();
  await page.waitForURL(url);
}

test('a unit admin imports staff, sees the commune short of land staff, plans a training and records it', async () => {
  for (const n of [1, 2, 3]) await fileLand(n);

  const admin = await officerPage(ADMIN);
  await admin.goto(server.url + '/can-bo/nhan-su?lang=vi');
  assert.equal(await admin.locator('#staff-unit').innerText(), COMMUNE);
  await check(admin, 'staff-empty');

  // A file with one bad row: the row is listed, nobody is imported.
  await upload(admin, 'can-bo-loi.csv', [...PEOPLE, BAD_ROW], /\/can-bo\/nhan-su\/nhap$/);
  const problems = admin.locator('#staff-problems tbody tr');
  assert.equal(await problems.count(), 1, await admin.locator('#staff-error').innerText());
  assert.match(await problems.first().innerText(), /Dòng 6\s+position_group/);
  assert.equal(await admin.locator('#staff-empty').count(), 1, 'nobody imported');
  await check(admin, 'staff-bad-row');

  // The corrected file (the bad row left out).
  await upload(admin, 'can-bo.csv', PEOPLE, /\/can-bo\/nhan-su\?unit=.*da-nhap=4$/);
  assert.match(await admin.locator('#staff-imported').innerText(), /Đã nhập 4 người/);
  const table = await admin.locator('#staff-table').innerText();
  for (const name of ['Nguyễn Văn Hùng', 'Trần Thị Lan', 'Lê Minh Tâm', 'Phạm Thu Hà']) {
    assert.match(table, new RegExp(name));
  }
  assert.match(table, /Tư pháp, hộ tịch/);
  assert.match(table, /Biệt phái đến từ Sở Tư pháp, 05\/01\/2026 – 31\/12\/2026/);
  await check(admin, 'staff-imported');
  // The download is the same registry file.
  const csv = await admin.request.get(server.url + `/can-bo/nhan-su.csv?unit=${COMMUNE}`);
  assert.equal(csv.status(), 200);
  const text = await csv.text();
  assert.ok(text.startsWith('id,unit,full_name'), text);
  assert.match(text, /LH-04,/);

  // The workload page draws its chart (no officer actions yet: online filings).
  await admin.locator('nav.desk-nav').getByRole('link', { name: 'Khối lượng' }).click();
  await admin.waitForURL(/\/can-bo\/khoi-luong$/);
  assert.equal(await admin.locator('#after-hours-chart title').count() >= 1, true);
  await check(admin, 'staff-workload');

  // The shortage signal: three land dossiers and nobody tagged for land.
  await admin.locator('nav.desk-nav').getByRole('link', { name: 'Thiếu hụt' }).click();
  await admin.waitForURL(/\/can-bo\/thieu-hut$/);
  const land = admin.locator('#shortage-list li', { hasText: 'Đất đai' });
  assert.equal(await land.count(), 1, await admin.locator('main').innerText());
  assert.match(await land.locator('.shortage-explanation').innerText(),
    /3 hồ sơ lĩnh vực Đất đai nhưng không có ai có chuyên môn này/);
  await check(admin, 'staff-shortage');

  // From the land line to the unit's training page.
  await land.getByRole('link', { name: 'Lập kế hoạch đào tạo' }).click();
  await admin.waitForURL(new RegExp(`/can-bo/dao-tao\\?unit=${COMMUNE.replace('.', '\\.')}$`));
  await check(admin, 'staff-training');

  // Plan a class from the land line of the plan for two of the imported
  // people (the dates as proposed: today).
  const plan = admin.locator('li.training-line[data-expertise="dat_dai"] form[action="/can-bo/dao-tao/lop"]');
  assert.equal(await plan.count(), 1, await admin.locator('main').innerText());
  const topic = plan.locator('[name=topic]');
  if (await topic.count()) await topic.fill('Nghiệp vụ đất đai cấp xã');
  for (const person of ['Lê Minh Tâm', 'Phạm Thu Hà']) {
    await plan.getByLabel(new RegExp(person)).check();
  }
  await plan.getByRole('button', { name: 'Lập lớp đào tạo' }).click();
  await admin.getByText(/Đã lập lớp đào tạo/).first().waitFor();
  await check(admin, 'staff-training-planned');

  // Record one completion.
  const row = admin.locator('.training-enrolments tbody tr', { hasText: 'Lê Minh Tâm' });
  assert.equal(await row.count(), 1, await admin.locator('main').innerText());
  const done = row.locator('form[action="/can-bo/dao-tao/hoan-thanh"]');
  await done.getByRole('button', { name: 'Ghi nhận hoàn thành' }).click();
  await admin.getByText(/Đã ghi nhận hoàn thành/).first().waitFor();
  assert.doesNotMatch(await admin.locator('.training-enrolments tbody tr', { hasText: 'Lê Minh Tâm' }).innerText(),
    /Chưa hoàn thành/);
  await check(admin, 'staff-training-completed');
});
