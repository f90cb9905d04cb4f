// Phản ánh, kiến nghị (PAKN, issue 15 item 4) through the pages only: a
// citizen who filed online opens the tracking page with the QR secret and
// sends feedback about the dossier from its link; the officer of the centre
// finds it in "Phản ánh, kiến nghị" of the desk navigation, opens it (the
// sender's name is shown; the opening is audited, checked by the Rust tests),
// classifies it as about the rules and answers it; the citizen reopens their
// feedback page, reads the answer and rates it; the officer sees the rating.
// Every checked page gets axe, the Nu HTML checker (via screenshots()) and
// desktop and phone screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshots, seriousViolations } from '../lib/harness.mjs';

// Thái Nguyên: the service centre of Xã La Hiên (05740).
const CENTRE = 'H55.X05740.TT';
const OFFICER = { id: 'cb-pakn', name: 'Đỗ Thị Mai' };
const SENDER = { name: 'Nguyễn Văn An', contact: '0912345678' };
const TEXT = 'Bộ phận một cửa chưa niêm yết lệ phí của thủ tục này.';
const ANSWER = 'Trung tâm đã niêm yết lệ phí tại quầy và trên cổng dịch vụ công từ hôm nay.';

let server; let browser;

before(async () => {
  server = await startServer({
    setup: [['accounts', 'create', OFFICER.id, '--name', OFFICER.name, '--agency', CENTRE,
      '--role', 'reception', '--scope', `agency:${CENTRE}`]],
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });

async function check(page, name) {
  assert.deepEqual(await seriousViolations(page), [], `${name}: accessibility`);
  await screenshots(page, name);
}

/** An online filing (through the API: the journey is about the feedback). */
async function fileOnline() {
  const res = await fetch(server.url + '/api/v1/dossiers', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `pakn-${Date.now()}` },
    body: JSON.stringify({
      procedure: '1.004873',
      applicant: { kind: 'citizen', id: '019087123456', name: SENDER.name, phone: SENDER.contact },
      channel: 'online',
      receiving_unit: CENTRE,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const body = await res.json();
  return { code: body.code, secret: body.tracking_secret };
}

test('a citizen sends feedback from the tracking page, the officer classifies and answers, the citizen rates', async () => {
  const { code, secret } = await fileOnline();

  // The citizen: tracking page → "Gửi phản ánh, kiến nghị về hồ sơ này".
  const citizen = await browser.newPage();
  await citizen.goto(`${server.url}/tra-cuu/${code}?verifier=${secret}&lang=vi`);
  await citizen.getByRole('link', { name: 'Gửi phản ánh, kiến nghị về hồ sơ này' }).click();
  await citizen.waitForURL(/\/phan-anh\?/);
  assert.match(await citizen.locator('#feedback-form').innerText(), new RegExp(code));
  await citizen.getByLabel('Nội dung').fill(TEXT);
  await citizen.getByLabel(/Họ và tên/).fill(SENDER.name);
  await citizen.getByLabel(/Số điện thoại hoặc thư điện tử/).fill(SENDER.contact);
  await check(citizen, 'feedback-form');
  await citizen.getByRole('button', { name: 'Gửi' }).click();
  await citizen.waitForURL(/\/phan-anh\/PAKN-.*token=/);
  const id = await citizen.locator('#feedback-id').innerText();
  const senderUrl = citizen.url();
  assert.equal(await citizen.locator('#feedback-status').innerText(), 'Đã tiếp nhận, đang xử lý');
  await check(citizen, 'feedback-sent');

  // The officer: desk navigation → inbox → the case.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.addCookies([{ name: 'motcua_dev', value: `${OFFICER.id}:${CENTRE}`, url: server.url }]);
  const officer = await context.newPage();
  await officer.goto(server.url + '/can-bo/ho-so?lang=vi');
  await officer.locator('nav.desk-nav').getByRole('link', { name: 'Phản ánh, kiến nghị' }).click();
  await officer.waitForURL(/\/can-bo\/phan-anh$/);
  const row = officer.locator(`#pakn-list tr[data-id="${id}"]`);
  assert.match(await row.innerText(), /Chưa phân loại/);
  assert.match(await row.innerText(), /\d{2}\/\d{2}\/\d{4}/);
  await check(officer, 'feedback-inbox');
  await row.getByRole('link', { name: id }).click();
  await officer.waitForURL(new RegExp(`/can-bo/phan-anh/${id}$`));
  assert.match(await officer.locator('#pakn-sender').innerText(), new RegExp(SENDER.name));
  assert.match(await officer.locator('#pakn-text').innerText(), /chưa niêm yết lệ phí/);
  await check(officer, 'feedback-case');

  const classify = officer.locator('#act-classify');
  await classify.locator('summary').click();
  await classify.getByLabel('Về quy định hành chính, thủ tục hành chính').check();
  await classify.getByRole('button', { name: 'Phân loại' }).click();
  await officer.waitForURL(/xong=classify/);
  assert.equal(await officer.locator('#pakn-class').innerText(), 'Về quy định hành chính, thủ tục hành chính');

  const answer = officer.locator('#act-answer');
  await answer.locator('summary').click();
  await answer.getByLabel('Nội dung trả lời').fill(ANSWER);
  await answer.getByRole('button', { name: 'Trả lời' }).click();
  await officer.waitForURL(/xong=answer/);
  assert.equal(await officer.locator('#pakn-status').innerText(), 'Đã trả lời');
  await check(officer, 'feedback-answered');

  // The citizen reads the answer and rates it.
  await citizen.goto(senderUrl);
  assert.equal(await citizen.locator('#feedback-answer').innerText(), ANSWER);
  await citizen.getByLabel('Hài lòng', { exact: true }).check();
  await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await citizen.waitForURL(/rated=1/);
  assert.match(await citizen.locator('[role=status]').innerText(), /Đã ghi nhận đánh giá/);
  await check(citizen, 'feedback-rated');

  // The officer sees the rating.
  await officer.goto(`${server.url}/can-bo/phan-anh/${id}`);
  assert.equal(await officer.locator('#pakn-reaction').innerText(), 'Hài lòng');
  await context.close();
  await citizen.close();
});
