// The dispatcher client against a real yihu-server: the HTTP API, its errors, and the live feed (reconnecting).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ApiError, DispatcherClient, VolunteerSession } from '../../clients/js/src/index.js';
import { signToken } from '../../clients/js/src/node_token.js';
import { LAKE, waitFor, YihuNode } from './support/yihu_node.mjs';

const node = new YihuNode();
let dispatcher;

before(async () => {
  await node.start();
  dispatcher = new DispatcherClient({
    baseUrl: node.httpUrl,
    token: signToken(node.secret, { subject: 'd-1', role: 'dispatcher' }),
  });
});
after(() => node.dispose());

test('API errors arrive as ApiError with the ErrorBody code', async () => {
  await assert.rejects(
    dispatcher.createAlert({ kind: 'ALERT_KIND_DROWNING', center: { latitude: 123, longitude: 0 }, title: 'x' }),
    (error) => error instanceof ApiError && error.status === 400 && error.code === 'ERROR_CODE_INVALID_COORDINATES',
  );
  await assert.rejects(dispatcher.getAlert('dongguan-424242'),
    (error) => error.status === 404 && error.code === 'ERROR_CODE_NOT_FOUND');
  const volunteer = new DispatcherClient({
    baseUrl: node.httpUrl, token: signToken(node.secret, { subject: 'v-1', role: 'volunteer' }) });
  await assert.rejects(volunteer.listAlerts(), (error) => error.status === 403 && error.code === 'ERROR_CODE_FORBIDDEN_ROLE');
});

test('creates, lists, updates and resolves an alert', async () => {
  const alert = await dispatcher.createAlert({
    kind: 'ALERT_KIND_MISSING_PERSON', center: LAKE, title: 'Mr Zhang, 81, blue jacket' });
  assert.equal(alert.state, 'ALERT_STATE_ACTIVE');
  const { alerts = [] } = await dispatcher.listAlerts({ states: ['ALERT_STATE_ACTIVE'] });
  assert.ok(alerts.some((d) => d.alert.id === alert.id));
  const updated = await dispatcher.updateAlert(alert.id, { description: 'walks with a cane' });
  assert.equal(updated.description, 'walks with a cane');
  assert.ok(Number(updated.version) > Number(alert.version));
  const resolved = await dispatcher.resolveAlert(alert.id, { found: true, message: 'found safe' });
  assert.equal(resolved.state, 'ALERT_STATE_RESOLVED_FOUND');
  await assert.rejects(dispatcher.cancelAlert(alert.id, 'too late'), (error) => error.code === 'ERROR_CODE_ALERT_CLOSED');
});

test('the live feed shows deliveries and responses, and reconnects after a node restart', async () => {
  const feed = dispatcher.feed();
  const opens = [];
  const events = [];
  feed.on('open', (o) => opens.push(o));
  feed.on('event', (e) => events.push(e));
  await feed.start();
  await waitFor(() => opens.length === 1, { what: 'the feed to open' });

  const where = { latitude: LAKE.latitude - 1, longitude: LAKE.longitude };
  const phone = new VolunteerSession({
    url: `${node.wsUrl}/v1/volunteer`,
    token: signToken(node.secret, { subject: 'v-feed', role: 'volunteer', skills: ['swimmer'] }),
    position: { location: { latitude: where.latitude + 0.001, longitude: where.longitude }, accuracyM: 5 },
  });
  await phone.connect();
  const pushed = phone.once('alert', { timeoutMs: 10000 });
  const alert = await dispatcher.createAlert({ kind: 'ALERT_KIND_DROWNING', center: where, title: 'feed', respondersWanted: 1 });
  await pushed;
  await phone.accept(alert.id);
  await waitFor(() => events.some((e) => e.alertId === alert.id && e.delivery), { what: 'a delivery event' });
  await waitFor(() => events.some((e) => e.alertId === alert.id && e.response?.kind === 'RESPONSE_KIND_ACCEPT'),
    { what: 'the accept in the feed' });

  await node.restart();
  await waitFor(() => opens.length === 2, { timeoutMs: 30000, what: 'the feed to reconnect' });
  assert.equal(opens[1].reconnected, true);
  const before = events.length;
  await dispatcher.resolveAlert(alert.id, { found: true, message: 'rescued' });
  await waitFor(() => events.slice(before).some((e) => e.alertId === alert.id && e.stateChange),
    { what: 'the state change after the reconnect' });
  phone.close();
  feed.stop();
});
