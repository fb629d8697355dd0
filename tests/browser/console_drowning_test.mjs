// The dispatcher's console in headless Chromium against a real node with 20 simulated phones: the dispatcher raises a
// drowning by clicking the map, 20 phones receive it, 3 accept, the console shows them moving and the others
// standing down, and the dispatcher resolves it. Nothing may be loaded from outside the node.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DispatcherClient } from '../../clients/js/src/index.js';
import { signToken } from '../../clients/js/src/node_token.js';
import { LAKE, SimulatedPhones, waitFor, YihuNode } from '../js/support/yihu_node.mjs';
import { Browser } from './support/browser.mjs';

const node = new YihuNode();
let browser;
let bystanders;
let swimmers;

before(async () => {
  await node.start();
  const common = ['--center', `${LAKE.latitude},${LAKE.longitude}`, '--radius-m', '700', '--skills', 'swimmer',
    '--id-prefix', 'phone'];
  // 17 who would answer only after ten minutes, 3 who accept at once: exactly these three accept, and the others,
  // still undecided, are stood down.
  bystanders = new SimulatedPhones(node, [...common, '--count', '17', '--first', '1', '--reaction', '600s']).start();
  swimmers = new SimulatedPhones(node, [...common, '--count', '3', '--first', '18', '--accept-probability', '1',
    '--reaction', '500ms', '--walk-m-per-s', '4', '--position-interval', '500ms']).start();
  await waitFor(async () => (await node.metric('yihu_volunteers_connected')) >= 20,
    { timeoutMs: 30000, what: '20 phones connected' });
  browser = await Browser.launch();
});

after(async () => {
  await browser?.close();
  await bystanders?.stop();
  await swimmers?.stop();
  await node.dispose();
});

test('Browser: a drowning raised on the map, 3 of 20 accept, the rest stand down, resolved', async () => {
  const token = signToken(node.secret, { subject: 'dispatcher-7', role: 'dispatcher' });
  const api = new DispatcherClient({ baseUrl: node.httpUrl, token });
  const page = await browser.page();
  await page.goto(`${node.httpUrl}/console/#token=${token}`);
  await page.locator('#feed-status.state-open').waitFor();
  assert.equal(await page.locator('#signin').isHidden(), true, 'signed in by the link');

  // Raise it by clicking the map where the lake is.
  await page.click('#new-alert');
  const point = await page.evaluate(([lat, lon]) => {
    const p = window.yihuConsole.map.latLngToContainerPoint([lat, lon]);
    return { x: p.x, y: p.y };
  }, [LAKE.latitude, LAKE.longitude]);
  await page.locator('#map').click({ position: point });
  await page.locator('#create-panel').waitFor();
  await page.selectOption('#create-form select[name=kind]', 'ALERT_KIND_DROWNING');
  await page.fill('#create-form input[name=title]', '松山湖东岸溺水');
  await page.fill('#create-form textarea[name=description]', '儿童，红色救生衣');
  await page.fill('#create-form input[name=respondersWanted]', '3');
  await page.fill('#create-form input[name=overAlertFactor]', '7');  // call 21: all 20 phones
  await page.click('#create-form button[type=submit]');

  const item = page.locator('#alert-list li.active');
  await item.waitFor();
  const alertId = await item.getAttribute('data-alert-id');
  assert.match(alertId, /^dongguan-\d+$/);
  const { alert } = await api.getAlert(alertId);
  assert.equal(alert.kind, 'ALERT_KIND_DROWNING');
  assert.equal(alert.title, '松山湖东岸溺水');
  assert.ok(Math.abs(alert.center.latitude - LAKE.latitude) < 0.001, `centre ${JSON.stringify(alert.center)}`);

  // All 20 receive it; 3 accept; the other 17 are stood down: the recipients table says so.
  const rows = page.locator('#detail tr[data-volunteer]');
  await waitFor(async () => (await rows.count()) === 20, { timeoutMs: 30000, what: '20 recipients in the table' });
  await waitFor(async () => (await page.locator('#detail tr[data-state=accepted]').count()) === 3,
    { timeoutMs: 30000, what: '3 accepted rows' });
  await waitFor(async () => (await page.locator('#detail tr[data-state=stoodDown]').count()) === 17,
    { timeoutMs: 30000, what: '17 stood-down rows' });
  const accepted = await page.locator('#detail tr[data-state=accepted]').evaluateAll((trs) => trs.map((tr) => tr.dataset.volunteer).sort());
  assert.deepEqual(accepted, ['phone-18', 'phone-19', 'phone-20']);
  // On the map: the stood-down dots, and the three responders at their live positions, moving.
  await waitFor(async () => (await page.locator('path.recipient-dot.state-stoodDown').count()) === 17,
    { what: '17 grey dots' });
  await waitFor(async () => (await page.locator('.responder-marker').count()) === 3,
    { timeoutMs: 20000, what: '3 live responder markers' });
  const where = () => page.evaluate((id) => Object.fromEntries(
    [...window.yihuConsole.alerts.get(id).positions].map(([v, p]) => [v, p.latlng.join(',')])), alertId);
  const first = await where();
  await waitFor(async () => {
    const now = await where();
    return Object.keys(first).length === 3 && Object.keys(first).every((v) => now[v] !== first[v]);
  }, { timeoutMs: 20000, what: 'every responder to move' });
  // Without animation the map is drawn at the new zoom when setZoom returns: nothing to wait for before the picture.
  await page.evaluate(() => window.yihuConsole.map.setZoom(15, { animate: false }));
  await browser.screenshot(page, 'console-drowning');

  // Resolve it from the console.
  await page.fill('#detail textarea[name=closeText]', '已获救，感谢各位');
  await page.click('#detail button[data-action=found]');
  await page.locator(`#alert-list li.closed[data-alert-id="${alertId}"]`).waitFor();
  const closed = (await api.getAlert(alertId)).alert;
  assert.equal(closed.state, 'ALERT_STATE_RESOLVED_FOUND');
  assert.equal(closed.closingNote, '已获救，感谢各位');
  await browser.screenshot(page, 'console-resolved');

  // English is one click away.
  await page.click('#lang');
  await page.locator('#alerts-title-en, .panel h2:has-text("Active alerts")').waitFor();

  assert.deepEqual(browser.foreignRequests(node.httpUrl), [], 'nothing loaded from outside the node');
  assert.deepEqual(browser.failedResponses, []);
  assert.deepEqual(browser.problems, []);
});
