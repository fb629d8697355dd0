// The console survives a node restart: its feed shows the outage, reconnects by itself, fetches the lists again, and
// follows alerts raised and closed after the restart without a page reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DispatcherClient } from '../../clients/js/src/index.js';
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

test('Browser: the console survives a node restart', async () => {
  const token = signToken(node.secret, { subject: 'd-night', role: 'dispatcher' });
  const api = new DispatcherClient({ baseUrl: node.httpUrl, token });
  const page = await browser.page();
  await page.goto(`${node.httpUrl}/console/#token=${token}`);
  await page.locator('#feed-status.state-open').waitFor();

  const before = await api.createAlert({ kind: 'ALERT_KIND_MISSING_PERSON', center: LAKE, title: '张大爷，81岁，蓝色外套' });
  await page.locator(`#alert-list li.active[data-alert-id="${before.id}"]`).waitFor();
  // A missing person's growing rings are drawn (dashed) around its first reach.
  await waitFor(async () => (await page.locator('path.alert-ring').count()) >= 3, { what: 'the policy\'s rings' });

  await node.stop();
  await page.locator('#feed-status.state-waiting').waitFor();
  // While the node is down the console still shows what it knew, and says the link is down.
  assert.equal(await page.locator(`#alert-list li[data-alert-id="${before.id}"]`).count(), 1);
  await browser.screenshot(page, 'console-reconnecting');
  await node.start();
  await page.locator('#feed-status.state-open').waitFor({ timeout: 40000 });

  // Raised and closed after the restart: both reach the open page over the reconnected feed.
  const afterRestart = await api.createAlert({
    kind: 'ALERT_KIND_MISSING_CHILD', center: { latitude: LAKE.latitude + 0.01, longitude: LAKE.longitude },
    title: '走失儿童，6岁，黄色上衣' });
  await page.locator(`#alert-list li.active[data-alert-id="${afterRestart.id}"]`).waitFor();
  await api.resolveAlert(before.id, { found: true, message: '已找到' });
  await page.locator(`#alert-list li.closed[data-alert-id="${before.id}"]`).waitFor();

  // An error the API returns is shown as a sentence, not swallowed: resolving the closed alert again.
  await page.locator(`#alert-list li[data-alert-id="${before.id}"]`).click();
  await page.evaluate((id) => window.yihuConsole.close(id, 'found', 'again'), before.id);
  await page.locator('.message.error', { hasText: '警报已结束' }).waitFor();

  assert.deepEqual(browser.foreignRequests(node.httpUrl), []);
  assert.deepEqual(browser.problems.filter((p) => !p.includes('WebSocket') && !p.includes('409')), []);
});
