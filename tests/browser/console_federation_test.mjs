// Neighbours' counts in the console (issue 14 with federation): two real nodes, Laiwu and Jinan, linked as peers. A
// dispatcher in Laiwu watches an alert whose area reaches into Jinan's coverage; a simulated phone in Jinan receives
// the forwarded alert and accepts it; Jinan's counts come back to Laiwu and reach the open console over the live feed
// (`peerCounts`), without a reload. Nothing may be loaded from outside the Laiwu node.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { DispatcherClient } from '../../clients/js/src/index.js';
import { signToken } from '../../clients/js/src/node_token.js';
import { SimulatedPhones, waitFor, YihuNode } from '../js/support/yihu_node.mjs';
import { Browser } from './support/browser.mjs';

// Between the two cities: a 25 km circle reaching into Jinan's coverage (30 km around its centre).
const BORDER = { latitude: 36.5, longitude: 117.2 };
const JINAN_VOLUNTEERS = { latitude: 36.55, longitude: 117.15 };
const COVERAGE = { laiwu: [36.2, 117.67, 30000], jinan: [36.65, 117.0, 30000] };

// A free loopback port (bound and released: the two nodes must know each other's ports before either starts).
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// A node for `city` whose configuration file names `peer` at `peerPort`.
function cityNode(city, peer, peerPort) {
  const node = new YihuNode({ secret: `secret-of-${city}` });
  const config = join(node.dataDir, 'federation.toml');
  writeFileSync(config, [
    '[server]', `city = "${city}"`,
    '[federation]', `key = "peer-key-of-${city}"`, 'key_id = "k1"',
    '[[peer]]', `name = "${peer}"`, `url = "ws://127.0.0.1:${peerPort}"`, `key = "peer-key-of-${peer}"`,
    'key_id = "k1"', `coverage_circles = [[${COVERAGE[peer].join(', ')}]]`, '',
  ].join('\n'));
  node.extraArgs = ['--config', config];
  return node;
}

let laiwu;
let jinan;
let browser;
let phones;

before(async () => {
  const [laiwuPort, jinanPort] = [await freePort(), await freePort()];
  laiwu = cityNode('laiwu', 'jinan', jinanPort);
  jinan = cityNode('jinan', 'laiwu', laiwuPort);
  laiwu.port = laiwuPort;
  jinan.port = jinanPort;
  await Promise.all([laiwu.start(), jinan.start()]);
  browser = await Browser.launch();
});

after(async () => {
  await browser?.close();
  await phones?.stop();
  await laiwu?.dispose();
  await jinan?.dispose();
});

test('Browser: neighbours\' counts for a forwarded alert reach the open console live', async () => {
  const token = signToken(laiwu.secret, { subject: 'dispatcher-laiwu', role: 'dispatcher' });
  const api = new DispatcherClient({ baseUrl: laiwu.httpUrl, token });
  const alert = await api.createAlert({
    kind: 'ALERT_KIND_MISSING_PERSON', title: '走失老人：78岁男性，蓝色外套', respondersWanted: 2, center: BORDER,
    area: { circle: { center: BORDER, radiusM: 25000 } },
  });
  assert.match(alert.id, /^laiwu-\d+$/);

  const page = await browser.page();
  await page.goto(`${laiwu.httpUrl}/console/#token=${token}`);
  await page.locator('#feed-status.state-open').waitFor();
  const item = page.locator(`#alert-list li[data-alert-id="${alert.id}"]`);
  await item.click();
  await page.locator('#detail [data-counts]').waitFor();

  // Only now does a volunteer appear in Jinan: the alert is forwarded to his phone and he accepts it.
  phones = new SimulatedPhones(jinan, ['--center', `${JINAN_VOLUNTEERS.latitude},${JINAN_VOLUNTEERS.longitude}`,
    '--radius-m', '200', '--count', '1', '--id-prefix', 'jinan', '--accept-probability', '1', '--reaction', '1s'])
    .start();

  // Jinan's counts reach the console that was already open: the feed's peerCounts event, no reload.
  const peerLine = page.locator('#detail [data-peer="jinan"]');
  await waitFor(async () => /接受 1/.test((await peerLine.textContent().catch(() => '')) ?? ''),
    { timeoutMs: 30000, what: 'Jinan\'s counts with 1 accepted in the console' });
  const text = await peerLine.textContent();
  assert.match(text, /邻市 jinan/);
  assert.match(text, /通知 1/);
  // The API agrees with what the console shows, and Laiwu's own counts stay its own (no volunteer of Laiwu).
  const detail = await api.getAlert(alert.id);
  assert.equal(detail.peerCounts.jinan.accepted, 1);
  assert.equal(detail.counts?.accepted ?? 0, 0);
  await browser.screenshot(page, 'console-federation');

  // The audit tab shows the forward to Jinan and Jinan's acknowledgement.
  await page.click('#detail .tabs button[data-tab=audit]');
  await waitFor(async () => (await page.locator('#detail').textContent()).includes('jinan accepted alert v1'),
    { timeoutMs: 10000, what: 'PEER_ACKED in the audit tab' });

  assert.deepEqual(browser.foreignRequests(laiwu.httpUrl), []);
  assert.deepEqual(browser.problems, []);
});
