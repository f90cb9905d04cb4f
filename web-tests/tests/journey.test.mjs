// One dossier's whole life through the pages only (issue 14 item 8): a
// citizen files online with files; the reception officer opens it from the
// work list, sees the files, marks papers shown or taken from the population
// database and receives it; hands it to a specialist picked by name; the
// specialist hands it to the leader, who attaches and records the signed result; the
// reception officer returns it; the citizen tracks it with the QR secret,
// downloads the result document and rates. Then the supplement path and the
// refusal path, each with its form
// (02, 03) downloaded as PDF by the officer and by the citizen and read back
// with pdftotext; the refusal path also refuses a walk-in at the desk (the
// reason required inline, then form 03). The leader's form approves and
// signs the result (the development cookie carries every role, so the
// specialist's submission wording is checked by the API tests instead). Officers log in with the development cookie as accounts
// created by the CLI, so their names are shown. Every checked page gets axe,
// the Nu HTML checker (via screenshots()) and desktop and phone screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

// Thái Nguyên: the service centre of Xã La Hiên (05740); the citizen lives in Xã Tràng Xá.
const CENTRE = 'H55.X05740.TT';
const RECEPTION = { id: 'cb-tiepnhan', name: 'Phạm Thị Hoa' };
const SPECIALIST = { id: 'chuyen-vien-2', name: 'Lê Thị Cúc', position: 'Công chức Tư pháp - Hộ tịch' };
const LEADER = { id: 'lanh-dao-tt', name: 'Hoàng Văn Dũng', position: 'Phó Giám đốc Trung tâm' };
const CITIZEN = { id: '019087123456', name: 'Nguyễn Văn An', dob: '1987-03-04' };

let server; let browser;
const dir = mkdtempSync(join(tmpdir(), 'motcua-journey-'));
/** The signed result document the leader attaches (a small PDF). */
const RESULT_PDF = Buffer.from('%PDF-1.4\n% Giay khai sinh 125/2026\n%%EOF\n');
writeFileSync(join(dir, 'people.csv'), [
  'personal_id,full_name,birth_date,sex,permanent_unit,temporary_unit,household_code,household_relation',
  `${CITIZEN.id},${CITIZEN.name},${CITIZEN.dob},male,05746,,HK-05746-001,Chủ hộ`,
].join('\n') + '\n');
writeFileSync(join(dir, 'to-khai.pdf'),
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
writeFileSync(join(dir, 'giay-chung-sinh.png'), Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

/** `motcua accounts create` for an officer of the centre with one role. */
const account = (who, role) => ['accounts', 'create', who.id, '--name', who.name,
  ...(who.position ? ['--position', who.position] : []),
  '--agency', CENTRE, '--role', role, '--scope', `agency:${CENTRE}`];

before(async () => {
  server = await startServer({
    setup: [
      ['registry', 'import', join(dir, 'people.csv')],
      ['grants', 'create', '--officer', RECEPTION.id, '--unit', '05740', '--purpose',
        'Tiếp nhận hồ sơ tại bộ phận một cửa', '--days', '30', '--by', 'quan-tri'],
      account(RECEPTION, 'reception'),
      account(SPECIALIST, 'specialist'),
      account(LEADER, 'leader'),
    ],
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

/** A page logged in as `who` with the development cookie (loopback only). */
async function officerPage(who) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addCookies([{ name: 'motcua_dev', value: `${who.id}:${CENTRE}`, url: server.url }]);
  return context.newPage();
}

async function check(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: accessibility`);
  await screenshots(page, name);
}

/** The citizen files a birth registration online with two files; returns { code, secret }. */
async function fileOnline(shot) {
  const page = await browser.newPage();
  await page.goto(server.url + '/thu-tuc/1.001193?lang=vi');
  await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
  await page.waitForURL(/nop-truc-tuyen/);
  await page.getByLabel('Họ và tên').fill(CITIZEN.name);
  await page.getByLabel(/Số định danh cá nhân/).fill(CITIZEN.id);
  await page.getByLabel('Số điện thoại').fill('0912 345 678');
  await page.getByLabel('Địa chỉ liên hệ').fill('Tổ 5, xã Tràng Xá');
  await page.getByLabel(/Nộp tại xã, phường/).selectOption(CENTRE);
  await page.locator('#file_TP1').setInputFiles(join(dir, 'to-khai.pdf'));
  await page.locator('#file_TP2').setInputFiles(join(dir, 'giay-chung-sinh.png'));
  if (shot) await check(page, 'journey-file-online');
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('h1', { hasText: 'Kiểm tra lại hồ sơ' }).waitFor();
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.locator('h1', { hasText: 'Đã nộp hồ sơ' }).waitFor();
  const code = await page.locator('#dossier-code').innerText();
  const secret = await page.locator('#tracking-secret').innerText();
  if (shot) await check(page, 'journey-file-done');
  await page.close();
  return { code, secret };
}

/** Opens the dossier from the officer's work list, as a person would. */
async function openFromWorkList(page, code) {
  await page.goto(server.url + '/can-bo/ho-so?lang=vi');
  await page.locator('table.desk-list a', { hasText: code }).click();
  await page.waitForURL(new RegExp(`/can-bo/ho-so/${code.replaceAll('.', '\\.')}`));
}

/** Submits the action form `name` of the dossier page and waits for its result. */
async function act(page, name, fill = async () => {}) {
  const form = page.locator(`#act-${name}`);
  await form.locator('summary').click();
  await fill(form);
  await form.getByRole('button').last().click();
  await page.waitForURL(new RegExp(`xong=${name}`));
}

/**
 * Picks `who` in the hand-over form's list of officers, which shows names
 * and positions (a short list is a select), and sets the step's days.
 */
async function handOverTo(form, who, days) {
  const to = form.locator('#hand_over-to');
  assert.equal(await to.evaluate((el) => el.tagName), 'SELECT');
  const option = to.locator('option', { hasText: who.name });
  assert.equal(await option.count(), 1, `${who.name} is offered`);
  if (who.position) assert.match(await option.innerText(), new RegExp(who.position));
  assert.equal(await option.getAttribute('value'), who.id);
  await to.selectOption({ label: await option.innerText() });
  await form.locator('#hand_over-days').fill(days);
}

/** Runs pdftotext on a PDF; returns its text. */
function pdfText(bytes) {
  const file = join(dir, `form-${Date.now()}.pdf`);
  writeFileSync(file, bytes);
  const run = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `pdftotext (Debian poppler-utils): ${run.stderr ?? run.error}`);
  return run.stdout.replace(/\s+/g, ' ');
}

/**
 * Opens form `number` of the dossier as a page by its address (for an
 * officer, or a citizen with the verifier: neither the desk's dossier page
 * nor, for form 02, the tracking page links it), then reads its PDF.
 */
async function formPdf(page, code, number, verifier, shot) {
  const query = verifier ? `?lang=vi&verifier=${verifier}` : '?lang=vi';
  const res = await page.goto(`${server.url}/ho-so/${code}/bieu-mau/${number}${query}`);
  assert.equal(res.status(), 200, `form ${number}`);
  if (shot) await check(page, shot);
  return shownPdf(page, number, verifier);
}

/** On a form's page: follows its PDF link; returns the PDF's text (pdftotext). */
async function shownPdf(page, number, verifier) {
  const link = page.getByRole('link', { name: /PDF/ }).first();
  const href = await link.getAttribute('href');
  assert.match(href, new RegExp(`/bieu-mau/${number}\\.pdf`));
  let bytes;
  if (verifier) {
    // A citizen's every look-up spends the tracking budget (10 at once a
    // client): the link is fetched once, with the page's context.
    const res = await page.context().request.get(server.url + href);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    bytes = await res.body();
  } else {
    // Chromium opens the PDF in its viewer (whose page is what Playwright
    // sees as the body), so the clicked link is fetched again with the
    // page's cookies.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/bieu-mau/${number}.pdf`)),
      link.click(),
    ]);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    bytes = await (await page.context().request.get(response.url())).body();
  }
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', bytes.subarray(0, 300).toString());
  return pdfText(bytes);
}

test('a dossier from online filing to the rated result, through the pages only', async () => {
  const { code, secret } = await fileOnline(true);

  // Reception: from the work list, the files open inline; papers shown or reused.
  const desk = await officerPage(RECEPTION);
  await openFromWorkList(desk, code);
  const files = desk.locator('#dossier-files');
  assert.match(await files.innerText(), /to-khai\.pdf/);
  assert.match(await files.innerText(), /giay-chung-sinh\.png/);
  assert.match(await files.getByRole('link', { name: 'to-khai.pdf' }).getAttribute('href'), /inline=true/);
  const receive = desk.locator('#act-receive');
  await receive.locator('summary').click();
  await receive.getByLabel('Ngày sinh').fill(CITIZEN.dob);
  await receive.getByRole('button', { name: 'Tra cứu CSDL dân cư' }).click();
  await desk.waitForURL(/tra_cuu=found/);
  await desk.locator('#act-receive summary').click();
  await desk.locator('#reuse-recorded').waitFor();
  assert.equal(await desk.locator('#c_TP7').inputValue(), 'reused');
  await desk.locator('#c_TP6').selectOption('presented');
  await check(desk, 'journey-receive');
  await desk.locator('#act-receive').getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
  await desk.waitForURL(/xong=receive/);
  assert.equal(await desk.locator('#dossier-status').innerText(), 'Được tiếp nhận');
  const components = await desk.locator('section[aria-labelledby=h-components]').innerText();
  assert.match(components, /Đã xuất trình/);
  assert.match(components, /Lấy từ CSDL quốc gia về dân cư/);

  // Hand-over to the specialist, picked by name and position from the list.
  await act(desk, 'hand_over', (form) => handOverTo(form, SPECIALIST, '2'));
  assert.equal(await desk.locator('#dossier-status').innerText(), 'Đang xử lý');
  assert.match(await desk.locator('.desk-timeline').innerText(),
    new RegExp(`Chuyển bước xử lý → ${SPECIALIST.name}`));
  await desk.close();

  // The specialist finds it in the work list and hands it to the leader by name.
  const specialist = await officerPage(SPECIALIST);
  await openFromWorkList(specialist, code);
  await act(specialist, 'hand_over', (form) => handOverTo(form, LEADER, '1'));
  assert.match(await specialist.locator('.desk-timeline').innerText(),
    new RegExp(`Chuyển bước xử lý → ${LEADER.name}`));
  await specialist.close();

  // The leader approves: attaches the signed result document, then records
  // the result (name and number).
  const leader = await officerPage(LEADER);
  await openFromWorkList(leader, code);
  await check(leader, 'journey-leader-dossier');
  await leader.locator('#result-upload summary').click();
  await leader.locator('#result-upload-name').fill('Giấy khai sinh');
  await leader.locator('#result-upload-file').setInputFiles({
    name: 'giay-khai-sinh.pdf', mimeType: 'application/pdf', buffer: RESULT_PDF,
  });
  await leader.locator('#result-upload-form button[type=submit]').click();
  await leader.waitForURL(/xong=ket-qua/);
  assert.equal(await leader.locator('#act-result_ready summary').innerText(),
    'Phê duyệt, ký kết quả');
  await act(leader, 'result_ready', async (form) => {
    await form.locator('#result_ready-doc').fill('Giấy khai sinh');
    await form.locator('#result_ready-no').fill('125/2026');
  });
  assert.equal(await leader.locator('#dossier-status').innerText(), 'Đã có kết quả');
  await leader.close();

  // Reception returns the result.
  const back = await officerPage(RECEPTION);
  await openFromWorkList(back, code);
  await act(back, 'return', async (form) => { await form.locator('#return-method').selectOption('online'); });
  assert.equal(await back.locator('#dossier-status').innerText(), 'Đã trả kết quả');
  const timeline = await back.locator('.desk-timeline').innerText();
  assert.match(timeline, new RegExp(LEADER.name));
  await check(back, 'journey-returned');
  await back.close();

  // The citizen tracks with the code and the QR secret, typed on the form, and rates.
  const citizen = await browser.newPage();
  await citizen.goto(server.url + '/tra-cuu?lang=vi');
  await citizen.getByLabel('Mã hồ sơ').fill(code);
  await citizen.getByLabel(/Mã tra cứu hoặc 4 số cuối/).fill(secret);
  await citizen.getByRole('button', { name: 'Tra cứu' }).click();
  await citizen.locator('#dossier-status').waitFor();
  assert.equal(await citizen.locator('#dossier-status').innerText(), 'Đã trả kết quả');
  const text = await citizen.locator('main').innerText();
  assert.match(text, /Đã trả kết quả cho bạn/);
  assert.equal(await citizen.locator('#receipt-link').getAttribute('href'), `/ho-so/${code}/bien-nhan?verifier=${secret}`);
  // The result document is listed for the QR holder and downloads whole.
  assert.match(text, /Kết quả giải quyết/);
  const result = citizen.locator('a[href*="/attachments/"]', { hasText: 'Giấy khai sinh' });
  const download = await citizen.context().request.get(server.url + await result.getAttribute('href'));
  assert.equal(download.status(), 200);
  assert.deepEqual(Buffer.from(await download.body()), RESULT_PDF);
  await citizen.getByLabel('Rất hài lòng').check();
  await citizen.getByLabel('Góp ý').fill('Cán bộ hướng dẫn tận tình');
  await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await citizen.locator('#rated').waitFor();
  assert.match(await citizen.locator('#rated').innerText(), /Rất hài lòng/);
  await check(citizen, 'journey-track-rated');
  await citizen.close();
});

test('the supplement path: requested on the desk page, form 02 read back as PDF by officer and citizen, supplied on the tracking page', async () => {
  const { code, secret } = await fileOnline(false);
  const desk = await officerPage(RECEPTION);
  await openFromWorkList(desk, code);
  await act(desk, 'request_supplement', async (form) => {
    await form.getByLabel('Lý do').fill('Giấy chứng sinh bị mờ, không đọc được');
    await form.getByLabel(/^Giấy chứng sinh/).check();
  });
  assert.equal(await desk.locator('#dossier-status').innerText(), 'Chờ bổ sung giấy tờ');
  const officerText = await formPdf(desk, code, '02', null, 'journey-form-02');
  assert.match(officerText, new RegExp(code.replaceAll('.', '\\.')));
  assert.match(officerText, /Giấy chứng sinh bị mờ, không đọc được/);
  assert.match(officerText, new RegExp(CITIZEN.name));
  await desk.close();

  const citizen = await browser.newPage();
  await citizen.goto(`${server.url}/tra-cuu/${code}?verifier=${secret}&lang=vi`);
  assert.equal(await citizen.locator('#dossier-status').innerText(), 'Chờ bổ sung giấy tờ');
  assert.match(await citizen.locator('#supplement').innerText(), /Giấy chứng sinh bị mờ/);
  const citizenText = await formPdf(citizen, code, '02', secret, null);
  assert.match(citizenText, /Giấy chứng sinh bị mờ, không đọc được/);
  await citizen.goto(`${server.url}/tra-cuu/${code}?verifier=${secret}&lang=vi`);
  await citizen.getByLabel('Giấy tờ', { exact: true }).selectOption('TP2');
  await citizen.getByLabel(/Tệp \(PDF/).setInputFiles(join(dir, 'giay-chung-sinh.png'));
  await citizen.getByRole('button', { name: 'Gửi bổ sung' }).click();
  await citizen.locator('.notice', { hasText: 'Đã nhận tệp bổ sung' }).waitFor();
  await check(citizen, 'journey-track-supplied');
  await citizen.close();
});

test('the refusal path: refused on the desk page, form 03 read back as PDF by officer and citizen', async () => {
  const { code, secret } = await fileOnline(false);
  const desk = await officerPage(RECEPTION);
  await openFromWorkList(desk, code);
  const reason = 'Việc đăng ký khai sinh đã được thực hiện tại xã khác';
  await act(desk, 'refuse', async (form) => { await form.getByLabel('Lý do').fill(reason); });
  const status = await desk.locator('#dossier-status').innerText();
  assert.equal(status, 'Không được tiếp nhận');
  const officerText = await formPdf(desk, code, '03', null, 'journey-form-03');
  assert.match(officerText, new RegExp(code.replaceAll('.', '\\.')));
  assert.match(officerText, new RegExp(reason));
  await desk.close();

  // The citizen reads why on the tracking page and follows its link to form 03.
  const citizen = await browser.newPage();
  await citizen.goto(`${server.url}/tra-cuu/${code}?verifier=${secret}&lang=vi`);
  assert.equal(await citizen.locator('#dossier-status').innerText(), 'Không được tiếp nhận');
  assert.equal(await citizen.locator('#end-reason').innerText(), reason);
  await check(citizen, 'journey-track-refused');
  await citizen.locator('#end-notice-card a').click();
  await citizen.waitForURL(/\/bieu-mau\/03\?/);
  const citizenText = await shownPdf(citizen, '03', secret);
  assert.match(citizenText, new RegExp(reason));
  await citizen.close();

  // A walk-in refused at the desk: the reason is required (inline), then
  // the summary links form 03, which reads back as PDF.
  const walkIn = await officerPage(RECEPTION);
  await walkIn.goto(server.url + '/can-bo/tiep-nhan?lang=vi');
  await walkIn.getByLabel(/Số định danh cá nhân/).fill(CITIZEN.id);
  await walkIn.getByLabel('Họ và tên').fill(CITIZEN.name);
  await walkIn.getByLabel('Thư điện tử').fill('an.nguyen@example.vn');
  await walkIn.getByLabel(/Tìm thủ tục/).fill('khai sinh');
  await walkIn.locator('input[name=procedure][value="1.001193"]').check();
  await walkIn.locator('#checklist').waitFor();
  await walkIn.locator('#refuse summary').click();
  await walkIn.getByRole('button', { name: 'Từ chối tiếp nhận', exact: true }).click();
  await walkIn.locator('#refusal_reason-error').waitFor();
  assert.equal(await walkIn.locator('#refusal_reason-error').innerText(),
    'Vui lòng ghi lý do từ chối tiếp nhận hồ sơ.');
  assert.equal(await walkIn.getByLabel('Thư điện tử').inputValue(), 'an.nguyen@example.vn');
  await check(walkIn, 'journey-desk-refuse-reason');
  const walkInReason = 'Thủ tục không thuộc thẩm quyền tiếp nhận của Trung tâm';
  await walkIn.getByLabel('Lý do từ chối tiếp nhận').fill(walkInReason);
  await walkIn.getByRole('button', { name: 'Từ chối tiếp nhận', exact: true }).click();
  await walkIn.waitForURL(/\/can-bo\/tiep-nhan\/da-nhan\//);
  const walkInCode = await walkIn.locator('#dossier-code').innerText();
  assert.match(await walkIn.locator('main').innerText(), /Không được tiếp nhận/);
  assert.equal(await walkIn.locator('#form-03-pdf').getAttribute('href'),
    `/ho-so/${walkInCode}/bieu-mau/03.pdf`);
  await check(walkIn, 'journey-desk-refused');
  await walkIn.locator('#form-03-link').click();
  await walkIn.waitForURL(/\/bieu-mau\/03/);
  const walkInText = await shownPdf(walkIn, '03', null);
  assert.match(walkInText, new RegExp(walkInCode.replaceAll('.', '\\.')));
  assert.match(walkInText, new RegExp(walkInReason));
  await walkIn.close();
});
