// The console's other tools in headless Chromium against a real node: a polygon drawn on the map (and the error the
// API gives for a bad one), an update, a sighting pinned live and confirmed as the new centre, a cancel, the devices
// table with a rescue hut's last trigger, and the English switch.
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

async function clickMapAt(page, lat, lon) {
  const point = await page.evaluate(([la, lo]) => {
    const p = window.yihuConsole.map.latLngToContainerPoint([la, lo]);
    return { x: p.x, y: p.y };
  }, [lat, lon]);
  await page.locator('#map').click({ position: point });
}

test('Browser: polygon, update, sighting confirmed, cancel, devices', async () => {
  const token = signToken(node.secret, { subject: 'd-2', role: 'dispatcher' });
  const api = new DispatcherClient({ baseUrl: node.httpUrl, token });
  const page = await browser.page();
  // Signing in by hand: a token the node did not sign is refused with a sentence; the dispatcher's own is taken.
  await page.goto(`${node.httpUrl}/console/`);
  await page.locator('#signin').waitFor();
  await page.fill('#signin-form textarea[name=token]', signToken('not-the-node-secret', { subject: 'd-2', role: 'dispatcher' }));
  await page.click('#signin-form button[type=submit]');
  await page.locator('#signin-error', { hasText: '令牌无效' }).waitFor();
  assert.equal(await page.locator('#feed-status.state-open').count(), 0, 'not signed in with a bad token');
  await page.fill('#signin-form textarea[name=token]', token);
  await page.click('#signin-form button[type=submit]');
  await page.locator('#feed-status.state-open').waitFor();
  assert.equal(await page.locator('#signin').isHidden(), true);
  assert.equal(await page.locator('#who').textContent(), 'd-2');

  // A volunteer inside the area to come, to report a sighting.
  const phone = new VolunteerSession({
    url: `${node.wsUrl}/v1/volunteer`,
    token: signToken(node.secret, { subject: 'v-wang', role: 'volunteer' }),
    position: { location: { latitude: LAKE.latitude + 0.001, longitude: LAKE.longitude + 0.001 }, accuracyM: 5 },
  });
  await phone.connect();
  const pushed = phone.once('alert', { timeoutMs: 20000 });

  await page.click('#new-alert');
  await clickMapAt(page, LAKE.latitude, LAKE.longitude);
  await page.selectOption('#create-form select[name=kind]', 'ALERT_KIND_DISASTER');
  await page.fill('#create-form input[name=title]', '洪水：远离河岸');
  await page.check('#create-form input[name=areaKind][value=polygon]');
  // Two corners are not an area: the API's refusal is shown as a sentence and the form stays open.
  await clickMapAt(page, LAKE.latitude - 0.004, LAKE.longitude - 0.004);
  await clickMapAt(page, LAKE.latitude + 0.004, LAKE.longitude - 0.004);
  await page.click('#finish-polygon');
  await page.click('#create-form button[type=submit]');
  await page.locator('.message.error').first().waitFor();
  assert.match(await page.locator('.message.error').first().textContent(), /^坐标无效: .*vertices.*\(INVALID_COORDINATES\)$/);
  assert.equal(await page.locator('#create-panel').isVisible(), true);

  await page.check('#create-form input[name=areaKind][value=default]');
  await page.check('#create-form input[name=areaKind][value=polygon]');
  for (const [dlat, dlon] of [[-0.004, -0.004], [0.004, -0.004], [0.004, 0.004], [-0.004, 0.004]]) {
    await clickMapAt(page, LAKE.latitude + dlat, LAKE.longitude + dlon);
  }
  await page.click('#finish-polygon');
  await page.click('#create-form button[type=submit]');
  const item = page.locator('#alert-list li.active');
  await item.waitFor();
  const alertId = await item.getAttribute('data-alert-id');
  const created = (await api.getAlert(alertId)).alert;
  assert.equal(created.kind, 'ALERT_KIND_DISASTER');
  assert.equal(created.area.polygon.ring.length, 5, 'four corners, closed');
  assert.equal((await pushed).alertId, alertId, 'the volunteer inside the polygon got it');

  // Update the description from the panel.
  await page.click('#detail button[data-action=edit]');
  await page.fill('#detail .edit-form textarea[name=description]', '水位上涨，请勿靠近');
  await page.click('#detail .edit-form button[type=submit]');
  await waitFor(async () => (await api.getAlert(alertId)).alert.description === '水位上涨，请勿靠近', { what: 'the update' });

  // A sighting arrives over the feed: a pin on the map and a row with a confirm button.
  const spot = { latitude: LAKE.latitude + 0.002, longitude: LAKE.longitude - 0.001 };
  const sightingId = await phone.reportSighting({ alertId, text: '桥下有人被困', position: { location: spot, accuracyM: 5 } });
  await page.locator('.sighting-pin').waitFor();
  await page.click('#detail .tabs button[data-tab=sightings]');
  const row = page.locator(`#detail tr[data-sighting="${sightingId}"]`);
  await row.waitFor();
  await browser.screenshot(page, 'console-sighting');
  await row.locator('button').click();
  await waitFor(async () => {
    const c = (await api.getAlert(alertId)).alert.center;
    return Math.abs(c.latitude - spot.latitude) < 1e-6 && Math.abs(c.longitude - spot.longitude) < 1e-6;
  }, { what: 'the centre moved to the sighting' });

  // The audit trail lists what happened.
  await page.click('#detail .tabs button[data-tab=audit]');
  await page.locator('#detail td', { hasText: '线索' }).first().waitFor();

  // Cancel it.
  await page.fill('#detail textarea[name=closeText]', '误报');
  await page.click('#detail button[data-action=cancel]');
  await page.locator(`#alert-list li.closed[data-alert-id="${alertId}"]`).waitFor();
  assert.equal((await api.getAlert(alertId)).alert.state, 'ALERT_STATE_CANCELLED');

  // A circle of a given radius, with a photo link: the area the API stores, drawn on the map.
  await page.click('#new-alert');
  const middle = await page.evaluate(() => {
    const c = window.yihuConsole.map.getCenter();
    return { latitude: c.lat, longitude: c.lng };
  });
  await clickMapAt(page, middle.latitude, middle.longitude);
  await page.selectOption('#create-form select[name=kind]', 'ALERT_KIND_GENERAL');
  await page.fill('#create-form input[name=title]', '寻找目击者');
  await page.fill('#create-form input[name=photoUrl]', 'https://photos.dongguan.example/witness.jpg');
  await page.check('#create-form input[name=areaKind][value=circle]');
  await page.fill('#create-form input[name=radiusM]', '800');
  await page.click('#create-form button[type=submit]');
  const circleItem = page.locator('#alert-list li.active');
  await waitFor(async () => (await circleItem.getAttribute('data-alert-id')) !== alertId, { what: 'the circle alert selected' });
  const circled = (await api.getAlert(await circleItem.getAttribute('data-alert-id'))).alert;
  assert.equal(circled.area.circle.radiusM, 800);
  assert.ok(Math.abs(circled.area.circle.center.latitude - middle.latitude) < 0.0005, JSON.stringify(circled.area));
  assert.equal(circled.photoUrl, 'https://photos.dongguan.example/witness.jpg');
  assert.ok((await page.locator('path.alert-area').count()) >= 2, 'the polygon and the circle on the map');
  // The photo is a link in the panel, not an image the console loads (it lives outside the node).
  await page.locator('#detail a[href="https://photos.dongguan.example/witness.jpg"]').waitFor();

  // Devices: a rescue hut, never triggered, then triggered by its own token.
  await api.putDevice({ id: 'hut-12', name: '松山湖3号救生屋', position: { location: { latitude: LAKE.latitude - 0.003, longitude: LAKE.longitude } },
    policy: { alertKind: 'ALERT_KIND_DROWNING', respondersWanted: 2 } });
  await page.click('#detail .tabs button[data-tab=devices]');
  const hut = page.locator('#detail tr[data-device=hut-12]');
  await hut.waitFor();
  assert.match(await hut.textContent(), /从未/);
  const hutToken = signToken(node.secret, { subject: 'hut-12', role: 'device' });
  const trigger = await fetch(`${node.httpUrl}/v1/devices/hut-12/trigger`, { method: 'POST',
    headers: { Authorization: `Bearer ${hutToken}` }, body: JSON.stringify({ kind: 'DEVICE_TRIGGER_KIND_DOOR_OPENED' }) });
  assert.equal(trigger.status, 201);
  const raised = await trigger.json();
  await page.click('#detail .tabs button[data-tab=devices]');
  await waitFor(async () => (await hut.textContent()).includes(raised.id), { what: 'the hut\'s last trigger' });

  // English.
  await page.click('#lang');
  await page.locator('#detail .tabs button[data-tab=devices]', { hasText: 'Devices' }).waitFor();
  assert.match(await hut.textContent(), new RegExp(raised.id));
  await page.click('#lang');

  phone.close();
  assert.deepEqual(browser.foreignRequests(node.httpUrl), []);
  // The refused polygon (400) and the refused token (401) are logged by Chromium as failed loads: expected.
  assert.deepEqual(browser.problems.filter((p) => !p.includes('status of 400') && !p.includes('status of 401')), []);
});
