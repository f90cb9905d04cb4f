// Journeys of the citizen pages: find a procedure by typing, file online
// with an upload, track a dossier through a supplement request, an apology
// and the result, rate the service; clear messages for a wrong verifier and
// a malformed code. Officer steps go through the JSON API with the
// development login, as another system would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

let server; let browser; let files;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  files = mkdtempSync(join(tmpdir(), 'motcua-citizen-'));
  // A small real PDF, a PNG header and a text file pretending to be a PDF.
  writeFileSync(join(files, 'to-khai.pdf'),
    '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
  writeFileSync(join(files, 'giay-chung-sinh.png'), Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
  writeFileSync(join(files, 'gia-mao.pdf'), 'this is plain text, not a PDF');
});
after(async () => { await browser?.close(); await server?.stop(); });

let keys = 0;
/** Calls the JSON API; `officer` is [id, agency] for the development login. */
async function api(method, path, body, officer) {
  const headers = { 'content-type': 'application/json', 'idempotency-key': `web-${Date.now()}-${keys++}` };
  if (officer) headers.authorization = `Bearer dev:${officer[0]}:${officer[1]}`;
  const res = await fetch(server.url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json; try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json };
}

async function centers() {
  const res = await api('GET', '/api/v1/agencies?kind=commune_service_center&limit=2');
  assert.equal(res.status, 200);
  return res.body.items.map((a) => a.id);
}

/** Files a birth registration online through the API; returns { code, secret }. */
async function fileByApi(center) {
  const res = await api('POST', '/api/v1/dossiers', {
    procedure: '1.001193',
    applicant: { kind: 'citizen', id: '001203004321', name: 'Trần Thị Bình', phone: '0912 000 111' },
    channel: 'online',
    receiving_unit: center,
    components: [{ code: 'TP1', state: { kind: 'submitted', digitised: true } }],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { code: res.body.code, secret: res.body.tracking_secret };
}

/** The desk's checklist at reception: every required component handed in or shown. */
const RECEIVED = {
  components: [
    { code: 'TP2', state: { kind: 'submitted', digitised: true } },
    { code: 'TP6', state: { kind: 'presented' } },
    { code: 'TP7', state: { kind: 'presented' } },
  ],
};

async function act(officer, code, action, body) {
  const res = await api('POST', `/api/v1/dossiers/${code}/actions/${action}`, body, officer);
  assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
  return res.body;
}

test('(1) a citizen finds "Đăng ký khai sinh" by typing "khai sinh" and files online with an upload', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/?lang=vi');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-home');
  await page.getByLabel(/Tìm thủ tục/).pressSequentially('khai sinh', { delay: 20 });
  const hit = page.locator('#hits a', { hasText: 'Đăng ký khai sinh' }).first();
  await hit.waitFor();
  await hit.click();
  await page.waitForURL(/\/thu-tuc\/1\.001193$/);
  assert.equal(await page.locator('h1').innerText(), 'Đăng ký khai sinh');
  const body = await page.locator('main').innerText();
  assert.match(body, /Không cần nộp/);
  assert.match(body, /ngày làm việc|Chưa có thông tin/);
  assert.equal(await page.locator('img[src="/api/v1/procedures/1.001193/qr.svg"]').count(), 1);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-procedure');

  await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
  await page.waitForURL(/nop-truc-tuyen/);
  await page.getByLabel('Họ và tên').fill('Nguyễn Văn An');
  await page.getByLabel(/Số định danh cá nhân/).fill('022087123456');
  await page.getByLabel('Số điện thoại').fill('0912 345 678');
  // An old three-tier address: its new form shows beside the field as one
  // types (htmx, GET /dia-chi/moi), and again on the review (issue 18).
  await page.getByLabel('Địa chỉ liên hệ').pressSequentially('12 Lê Lợi, P. Thạch Thang, Q. Hải Châu, TP. Đà Nẵng', { delay: 5 });
  await page.locator('#address-hint .address-new').waitFor();
  assert.match(await page.locator('#address-hint').innerText(), /Địa chỉ mới: 12 Lê Lợi, Phường .*Đà Nẵng/);
  const select = page.getByLabel(/Nộp tại xã, phường/);
  const firstCenter = await select.locator('option').nth(1).getAttribute('value');
  await select.selectOption(firstCenter);
  await page.locator('#file_TP1').setInputFiles(join(files, 'to-khai.pdf'));
  await page.locator('#file_TP2').setInputFiles(join(files, 'giay-chung-sinh.png'));
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-file-online');
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('h1', { hasText: 'Kiểm tra lại hồ sơ' }).waitFor();
  const review = await page.locator('main').innerText();
  assert.match(review, /Nguyễn Văn An/);
  assert.match(review, /to-khai\.pdf/);
  assert.match(review, /giay-chung-sinh\.png/);
  assert.match(review, /P\. Thạch Thang, Q\. Hải Châu/);
  assert.match(review, /Địa chỉ mới: 12 Lê Lợi, Phường .*Đà Nẵng/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-file-review');
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.locator('h1', { hasText: 'Đã nộp hồ sơ' }).waitFor();
  const code = await page.locator('#dossier-code').innerText();
  const secret = await page.locator('#tracking-secret').innerText();
  assert.match(code, new RegExp(`^${firstCenter.replaceAll('.', '\\.')}-\\d{6}-\\d{4}$`));
  assert.match(secret, /^[0-9a-f]{32}$/);
  // No receipt exists before an officer receives the dossier: a sentence
  // says so and the tracking link is the way on (UX review #3).
  assert.equal(await page.locator('a[href*="bien-nhan"]').count(), 0);
  assert.match(await page.locator('#receipt-later').innerText(),
    /Giấy tiếp nhận và hẹn trả kết quả sẽ có khi cán bộ tiếp nhận hồ sơ/);
  assert.equal(await page.getByRole('link', { name: 'Theo dõi hồ sơ này' }).getAttribute('href'),
    `/tra-cuu/${code}?verifier=${secret}`);
  assert.match(await page.locator('main').innerText(), /Số tệp đã gửi: 2/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-file-done');

  // The dossier exists with both files, stored once each, readable by its holder.
  const listed = await api('GET', `/api/v1/dossiers/${code}/attachments?verifier=${secret}`);
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.map((a) => [a.component, a.content_type, a.display_name]).sort(),
    [['TP1', 'application/pdf', 'to-khai.pdf'], ['TP2', 'image/png', 'giay-chung-sinh.png']]);
  const officer = ['cb-tiep-nhan', firstCenter];
  const seen = await api('GET', `/api/v1/dossiers/${code}`, null, officer);
  assert.equal(seen.body.dossier.status.status, 'submitted');
  assert.equal(seen.body.dossier.channel, 'online');
  await page.close();
});

test('the online form refuses a file that lies about its type, inline and without a 500', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/thu-tuc/1.001193/nop-truc-tuyen?lang=vi');
  await page.getByLabel('Họ và tên').fill('Lê Văn Cường');
  await page.getByLabel(/Số định danh cá nhân/).fill('022087123457');
  await page.getByLabel('Số điện thoại').fill('0987654321');
  const select = page.getByLabel(/Nộp tại xã, phường/);
  await select.selectOption(await select.locator('option').nth(1).getAttribute('value'));
  await page.locator('#file_TP1').setInputFiles(join(files, 'gia-mao.pdf'));
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('#err_TP1', { hasText: /không phải PDF/ }).waitFor();
  assert.match(await page.locator('#error-summary').innerText(), /Có lỗi cần sửa/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
  assert.match(await page.title(), /^Lỗi: /);
  assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Lê Văn Cường');
  await page.close();
});

test('(3) a supplement is requested, seen and supplied on the tracking page, the result returned and rated', async () => {
  const [center] = await centers();
  const officer = ['chuyen-vien-1', center];
  const { code, secret } = await fileByApi(center);
  await act(officer, code, 'receive', RECEIVED);
  await act(officer, code, 'request_supplement',
    { reason: 'Giấy chứng sinh bị mờ', missing: ['Giấy chứng sinh (bản rõ nét)'] });

  const page = await browser.newPage();
  await page.goto(`${server.url}/tra-cuu/${code}?verifier=${secret}&lang=vi`);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Chờ bổ sung giấy tờ');
  // Received: the receipt is linked from the tracking page now.
  assert.equal(await page.locator('#receipt-link').getAttribute('href'),
    `/ho-so/${code}/bien-nhan?verifier=${secret}`);
  const supplement = page.locator('#supplement');
  assert.match(await supplement.innerText(), /Giấy chứng sinh bị mờ/);
  assert.match(await supplement.innerText(), /Giấy chứng sinh \(bản rõ nét\)/);
  assert.match(await page.locator('.timeline').innerText(), /Cơ quan yêu cầu bổ sung giấy tờ/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-track-supplement');
  await page.getByLabel('Giấy tờ', { exact: true }).selectOption('TP2');
  await page.getByLabel(/Tệp \(PDF/).setInputFiles(join(files, 'giay-chung-sinh.png'));
  await page.getByRole('button', { name: 'Gửi bổ sung' }).click();
  await page.locator('.notice', { hasText: 'Đã nhận tệp bổ sung' }).waitFor();
  assert.match(await page.locator('main').innerText(), /giay-chung-sinh\.png/);
  const uploaded = await api('GET', `/api/v1/dossiers/${code}/attachments`, null, officer);
  assert.deepEqual(uploaded.body.map((a) => [a.component, a.uploaded_at > '']), [['TP2', true]]);

  await act(officer, code, 'supplement_received',
    { components: [{ code: 'TP2', state: { kind: 'submitted', digitised: true } }] });
  await act(officer, code, 'result_ready',
    { documents: [{ name: 'Giấy khai sinh', number: 'KS-01', file: null }] });
  await act(officer, code, 'return', { method: 'at_desk' });
  await page.goto(`${server.url}/tra-cuu/${code}?verifier=${secret}&lang=vi`);
  assert.equal(await page.locator('#dossier-status').innerText(), 'Đã trả kết quả');
  assert.match(await page.locator('.timeline').innerText(), /Đã trả kết quả cho bạn/);
  await page.getByLabel('Rất hài lòng').check();
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await page.locator('#rated').waitFor();
  assert.match(await page.locator('#rated').innerText(), /Cảm ơn bạn đã đánh giá: Rất hài lòng/);
  assert.equal(await page.getByRole('button', { name: 'Gửi đánh giá' }).count(), 0);
  const after = await api('GET', `/api/v1/dossiers/${code}`, null, officer);
  assert.equal(after.body.dossier.rating, 'very_satisfied');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-track-rated');
  await page.close();
});

test('(4) a late dossier gets an apology with a new date and the citizen sees it', async () => {
  const [, center] = await centers();
  const officer = ['lanh-dao-1', center];
  const { code, secret } = await fileByApi(center);
  const received = await act(officer, code, 'receive', RECEIVED);
  const extended = await act(officer, code, 'apologise_and_extend',
    { reason: 'Cần xác minh thông tin với nơi sinh', extra_working_days: 3 });
  assert.notEqual(extended.due_at, received.due_at);
  const page = await browser.newPage();
  // The phone's last four digits work as the verifier too, typed on the form.
  await page.goto(`${server.url}/tra-cuu?lang=vi`);
  await page.getByLabel('Mã hồ sơ').fill(code);
  await page.getByLabel(/Mã tra cứu hoặc 4 số cuối/).fill('0111');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  const letter = page.locator('#apology-letter');
  await letter.waitFor();
  const text = await letter.innerText();
  assert.match(text, /Thư xin lỗi/);
  assert.match(text, /thành thật xin lỗi/);
  assert.match(text, /Cần xác minh thông tin với nơi sinh/);
  const fmt = (iso) => new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric',
    hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(iso)).replace(',', '');
  assert.equal(await page.locator('#new-due-at').innerText(), fmt(extended.due_at));
  assert.equal(await page.locator('#due-at').innerText(), fmt(extended.due_at));
  assert.match(text, new RegExp(fmt(received.due_at).replace(/[/.]/g, '\\$&')));
  // Extended before its due date, the dossier is not late (766 rule, legal review D9).
  assert.doesNotMatch(await page.locator('main').innerText(), /Hồ sơ đang bị trễ hạn/);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshots(page, 'citizen-track');
  // Switching language keeps the dossier on screen.
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/lang=en/);
  assert.match(await page.locator('#apology-letter').innerText(), /Letter of apology[\s\S]*New date for the result/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Thư xin lỗi|Ngày hẹn trả/);
  await page.close();
});

test('(5) a wrong verifier and a malformed code get clear messages, never a 500', async () => {
  const [center] = await centers();
  const { code } = await fileByApi(center);
  const page = await browser.newPage();
  let res = await page.goto(`${server.url}/tra-cuu/${code}?verifier=0000&lang=vi`);
  assert.equal(res.status(), 404);
  assert.match(await page.locator('#track-error').innerText(), /Không tìm thấy hồ sơ với mã và mã tra cứu này/);
  assert.equal(await page.locator('#dossier-status').count(), 0);
  assert.equal(await page.getByLabel('Mã hồ sơ').inputValue(), code, 'the form is shown again');
  assert.deepEqual(await seriousViolations(page), []);
  await page.goto(`${server.url}/tra-cuu?lang=vi`);
  await page.getByLabel('Mã hồ sơ').fill('HS-khong-dung-dang');
  await page.getByLabel(/Mã tra cứu hoặc 4 số cuối/).fill('1234');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.locator('#track-error').waitFor();
  assert.match(await page.locator('#track-error').innerText(), /Mã hồ sơ không đúng dạng/);
  res = await page.goto(`${server.url}/tra-cuu/%00%ff..%2f?verifier=x&lang=vi`);
  assert.ok(res.status() < 500, `status ${res.status()}`);
  assert.match(await page.locator('#track-error').innerText(), /Mã hồ sơ không đúng dạng/);
  await page.close();
});

test('?lang=en switches the citizen pages to English', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/thu-tuc/1.001193?lang=en');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  const text = await page.locator('main').innerText();
  assert.match(text, /Documents to submit/);
  assert.match(text, /Time limit/);
  assert.match(text, /Where to file/);
  assert.doesNotMatch(text, /Giấy tờ cần nộp|Thời hạn giải quyết|Nộp hồ sơ ở đâu|Nộp hồ sơ trực tuyến/);
  await page.goto(server.url + '/tra-cuu?lang=en');
  assert.match(await page.locator('h1').innerText(), /Track a dossier/);
  assert.match(await page.locator('label[for=verifier]').innerText(), /last 4 digits of your phone/);
  await screenshots(page, 'citizen-track-form-en');
  await page.goto(server.url + '/?lang=en');
  assert.match(await page.locator('main').innerText(), /Common procedures/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Thủ tục thường dùng|Tra cứu hồ sơ của bạn/);
  await page.close();
});
