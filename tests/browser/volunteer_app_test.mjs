// The volunteer's web app in headless Chromium (a phone-sized window) against a real node: sign in by link, set a
// manual pin on the map, receive a drowning, accept it, report a sighting; the dispatcher API sees both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DispatcherClient, VolunteerSession } from '../../clients/js/src/index.js';
import { signToken } from '../../clients/js/src/node_token.js';
import { LAKE, waitFor, YihuNode } from '../js/support/yihu_node.mjs';
import { Browser } from './support/browser.mjs';

const node = new YihuNode();
let browser;

before(async () => {
  await node.start();
  browser = await Browser.launch();
});
after(async () => {
  await browser?.close();
  await node.dispose();
});

test('Browser: a volunteer page receives an alert and accepts it', async () => {
  const api = new DispatcherClient({ baseUrl: node.httpUrl, token: signToken(node.secret, { subject: 'd-1', role: 'dispatcher' }) });
  const token = signToken(node.secret, { subject: 'v-lin', role: 'volunteer', skills: ['swimmer', 'first_aid'] });
  const page = await browser.page({ viewport: { width: 420, height: 900 } });
  await page.goto(`${node.httpUrl}/app/#token=${token}`);
  await page.locator('#connection.state-open').waitFor();
  await page.locator('[data-availability=AVAILABILITY_ON_DUTY].on').waitFor();

  // A tap on the small map (centred on the lake) pins the volunteer there.
  await page.locator('#pin-map').click();
  await waitFor(async () => (await page.locator('#position-text').textContent()).includes('22.93'),
    { what: 'the manual pin' });

  const created = await api.createAlert({ kind: 'ALERT_KIND_DROWNING', center: LAKE, title: '松山湖溺水', respondersWanted: 1,
    description: '儿童，红色救生衣' });
  const card = page.locator(`.alert-card[data-alert-id="${created.id}"]`);
  await card.waitFor();
  assert.match(await card.locator('h2').textContent(), /松山湖溺水/);
  assert.match(await card.locator('.distance').textContent(), /米/);
  await browser.screenshot(page, 'app-alert');

  await card.locator('button[data-action=accept]').click();
  await card.locator('.status').waitFor();
  const { responses = [] } = await api.responses(created.id);
  assert.ok(responses.some((r) => r.volunteerId === 'v-lin' && r.kind === 'RESPONSE_KIND_ACCEPT'), JSON.stringify(responses));

  await card.locator('button[data-action=sighting]').click();
  await card.locator('.sighting-form textarea').fill('码头边看到红色救生衣');
  await card.locator('button[data-action=send-sighting]').click();
  await waitFor(async () => Number((await api.getAlert(created.id)).counts?.sightings ?? 0) === 1, { what: 'the sighting' });

  // The resume point is kept for the next page load: the alert is acknowledged and not shown twice after a reload.
  const resume = await page.evaluate(() => JSON.parse(localStorage.getItem('yihu.resume.v-lin')));
  assert.ok(Number(resume.lastSeq) >= 1 && resume.epoch, JSON.stringify(resume));
  await page.reload();
  await page.locator('#connection.state-open').waitFor();
  await card.waitFor();
  assert.equal(await page.locator('.alert-card').count(), 1);

  await api.resolveAlert(created.id, { found: true, message: '已获救，谢谢' });
  await card.locator('.notice', { hasText: '已获救，谢谢' }).waitFor();
  await browser.screenshot(page, 'app-closed');

  // Availability: quiet hours and off duty are taken by the server (the button lights only after its RequestOk).
  await page.click('[data-availability=AVAILABILITY_QUIET_HOURS]');
  await page.locator('[data-availability=AVAILABILITY_QUIET_HOURS].on').waitFor();
  await page.click('[data-availability=AVAILABILITY_OFF_DUTY]');
  await page.locator('[data-availability=AVAILABILITY_OFF_DUTY].on').waitFor();
  const offDuty = await api.createAlert({ kind: 'ALERT_KIND_DROWNING', center: LAKE, title: '下班后的警报', respondersWanted: 1 });
  const { recipients = [] } = await api.recipients(offDuty.id);
  assert.ok(!recipients.some((r) => r.volunteerId === 'v-lin'), 'an off-duty volunteer is not alerted');

  assert.deepEqual(browser.foreignRequests(node.httpUrl), []);
  assert.deepEqual(browser.failedResponses, []);
  assert.deepEqual(browser.problems, []);
});

// Headless Chromium never hides a tab (another tab brought to the front, or the window minimised over CDP, leaves
// document.hidden false), so the page is told it is hidden by overriding Document's visibility getters. The
// Notification API is Chromium's own, its permission granted the way a user would; a subclass only records what the
// app raised and still calls the real constructor (which throws on misuse, failing the test as a page error).
function recordNotifications() {
  const Real = window.Notification;
  window.yihuNotifications = [];
  window.Notification = class extends Real {
    constructor(title, options = {}) {
      super(title, options);
      window.yihuNotifications.push({ title, body: options.body, tag: options.tag, hidden: document.hidden });
    }
  };
  let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true,
    get: () => (hidden ? 'hidden' : 'visible') });
  window.yihuSetHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

test('Browser: the volunteer page follows geolocation, stands down, declines, and notifies only while hidden', async () => {
  const api = new DispatcherClient({ baseUrl: node.httpUrl, token: signToken(node.secret, { subject: 'd-1', role: 'dispatcher' }) });
  // Far from the lake, where the other test's alerts are: only this test's alerts reach this volunteer.
  const here = { latitude: LAKE.latitude + 0.2, longitude: LAKE.longitude + 0.2 };
  await browser.context.grantPermissions(['notifications', 'geolocation'], { origin: node.httpUrl });
  await browser.context.setGeolocation({ ...here, accuracy: 12 });
  const token = signToken(node.secret, { subject: 'v-zhou', role: 'volunteer', skills: ['swimmer'] });
  const page = await browser.page({ viewport: { width: 420, height: 900 } });
  await page.addInitScript(recordNotifications);
  await page.goto(`${node.httpUrl}/app/#token=${token}`);
  await page.locator('#connection.state-open').waitFor();
  assert.equal(await page.evaluate(() => Notification.permission), 'granted');
  // The browser's position, not a pin: the page shows it and the server matches on it.
  await waitFor(async () => (await page.locator('#position-text').textContent()).includes(here.latitude.toFixed(5)),
    { what: 'the geolocated position' });

  // Another swimmer a few metres away, who will take the first alert.
  const other = new VolunteerSession({
    url: `${node.wsUrl}/v1/volunteer`,
    token: signToken(node.secret, { subject: 'v-chen', role: 'volunteer', skills: ['swimmer'] }),
    position: { location: { latitude: here.latitude + 0.0002, longitude: here.longitude }, accuracyM: 5 },
  });
  await other.connect();
  const otherGotIt = other.once('alert', { timeoutMs: 20000 });

  const raise = (title) => api.createAlert({ kind: 'ALERT_KIND_DROWNING', center: here, title, respondersWanted: 1 });
  const shown = await raise('页面可见时的警报');
  const shownCard = page.locator(`.alert-card[data-alert-id="${shown.id}"]`);
  await shownCard.waitFor();
  await shownCard.locator('.map .leaflet-marker-icon.alert-dot').waitFor();  // the card's small map, with the alert
  const { recipients = [] } = await api.recipients(shown.id);
  const me = recipients.find((r) => r.volunteerId === 'v-zhou');
  // At the alert's centre exactly: distanceM 0, which the JSON mapping leaves out.
  assert.ok(me && Number(me.distanceM ?? 0) < 1, `matched at the geolocated position: ${JSON.stringify(recipients)}`);
  assert.deepEqual(await page.evaluate(() => window.yihuNotifications), [], 'no notification while the page is shown');

  // The other swimmer accepts: the alert is staffed, and this card says to stand down (no more buttons to answer).
  assert.equal((await otherGotIt).alertId, shown.id);
  await other.accept(shown.id);
  await shownCard.locator('.notice', { hasText: '已解除' }).waitFor();
  assert.equal(await shownCard.locator('button[data-action=accept]').count(), 0);
  other.close();

  await page.evaluate(() => window.yihuSetHidden(true));
  const hidden = await raise('后台收到的警报');
  await page.locator(`.alert-card[data-alert-id="${hidden.id}"]`).waitFor({ state: 'attached' });
  const notes = await waitFor(async () => {
    const n = await page.evaluate(() => window.yihuNotifications);
    return n.length > 0 && n;
  }, { what: 'a notification' });
  assert.equal(notes.length, 1, JSON.stringify(notes));
  assert.equal(notes[0].title, '附近有新警报');
  assert.equal(notes[0].tag, hidden.id);
  assert.equal(notes[0].hidden, true);
  assert.match(notes[0].body, /后台收到的警报/);

  // Declining from the card: the dispatcher reads a decline.
  await page.evaluate(() => window.yihuSetHidden(false));
  const hiddenCard = page.locator(`.alert-card[data-alert-id="${hidden.id}"]`);
  await hiddenCard.locator('button[data-action=decline]').click();
  await hiddenCard.locator('.status').waitFor();
  await waitFor(async () => {
    const { responses = [] } = await api.responses(hidden.id);
    return responses.some((r) => r.volunteerId === 'v-zhou' && r.kind === 'RESPONSE_KIND_DECLINE');
  }, { what: 'the decline' });
  await api.resolveAlert(shown.id, { found: true, message: '已获救' });
  await api.resolveAlert(hidden.id, { found: true, message: '已获救' });
  assert.deepEqual(browser.foreignRequests(node.httpUrl), []);
  assert.deepEqual(browser.problems, []);
});
