// The JS client library against a real yihu-server: both encodings, acks, resume, reconnect, terminal errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';

import { DispatcherClient, MemoryResumeStore, ProtocolError, VolunteerSession } from '../../clients/js/src/index.js';
import { signToken } from '../../clients/js/src/node_token.js';
import { retryHintMs } from '../../clients/js/src/volunteer_session.js';
import { LAKE, waitFor, YihuNode } from './support/yihu_node.mjs';

const node = new YihuNode();
let dispatcher;
let nextId = 0;

before(async () => {
  await node.start();
  dispatcher = new DispatcherClient({
    baseUrl: node.httpUrl,
    token: signToken(node.secret, { subject: 'd-1', role: 'dispatcher' }),
  });
});
after(() => node.dispose());

function volunteerToken(subject) {
  return signToken(node.secret, { subject, role: 'volunteer', skills: ['swimmer'] });
}

// A volunteer on duty a few metres from where the test raises its drowning (each test uses its own spot).
function session(subject, spot, options = {}) {
  return new VolunteerSession({
    url: `${node.wsUrl}/v1/volunteer`,
    token: volunteerToken(subject),
    position: { location: { latitude: spot.latitude + 0.0005, longitude: spot.longitude }, accuracyM: 5 },
    ...options,
  });
}

// A fresh place far from every other test's, so alerts of one test never reach another's volunteers.
function spot() {
  nextId += 1;
  return { latitude: LAKE.latitude + nextId * 0.5, longitude: LAKE.longitude };
}

function drowning(center, title) {
  return dispatcher.createAlert({ kind: 'ALERT_KIND_DROWNING', center, title, respondersWanted: 1 });
}

// Records whether each frame the session sends is text or binary.
function recordingWebSocket(frames) {
  return class extends WebSocket {
    send(data, ...rest) {
      frames.push(typeof data === 'string' ? 'text' : 'binary');
      return super.send(data, ...rest);
    }
  };
}

for (const encoding of ['json', 'protobuf']) {
  describe(`a volunteer session speaking ${encoding}`, () => {
    test('receives an alert, acknowledges it, accepts and reports a sighting', async () => {
      const where = spot();
      const frames = [];
      const phone = session(`v-${encoding}`, where, { encoding, WebSocket: recordingWebSocket(frames) });
      const welcome = await phone.connect();
      assert.equal(welcome.volunteerId, `v-${encoding}`);
      assert.ok(welcome.epoch, 'the Welcome carries the epoch');
      assert.deepEqual([...new Set(frames)], [encoding === 'json' ? 'text' : 'binary']);

      const pushed = phone.once('alert', { timeoutMs: 10000 });
      const alert = await drowning(where, `drowning (${encoding})`);
      const push = await pushed;
      assert.equal(push.alertId, alert.id);
      assert.equal(push.alert.kind, 'ALERT_KIND_DROWNING');
      assert.equal(typeof push.seq, 'number');
      assert.ok(push.distanceM > 0 && push.distanceM < 200, `distance ${push.distanceM}`);
      assert.match(push.alert.createdAt, /^\d{4}-\d\d-\d\dT/, 'timestamps in the JSON mapping in both encodings');

      // The automatic ack reaches the server: the recipients list shows it.
      await waitFor(async () => {
        const { recipients = [] } = await dispatcher.recipients(alert.id);
        return recipients.find((r) => r.volunteerId === `v-${encoding}` && r.ackedAt);
      }, { what: 'the ack in the recipients list' });

      const ok = await phone.accept(alert.id);
      assert.ok(ok.role, 'an accept is answered with the role');
      const sightingId = await phone.reportSighting({ alertId: alert.id, text: 'red life jacket by the pier' });
      const another = await phone.reportSighting({ alertId: alert.id, text: 'a towel on the jetty' });
      // docs/lifecycle.md: sighting ids are decimal numbers, unique among the server's sightings.
      assert.match(String(sightingId), /^[1-9]\d*$/);
      assert.match(String(another), /^[1-9]\d*$/);
      assert.notEqual(String(another), String(sightingId));
      const { responses = [] } = await dispatcher.responses(alert.id);
      assert.ok(responses.some((r) => r.volunteerId === `v-${encoding}` && r.kind === 'RESPONSE_KIND_ACCEPT'));
      phone.close();
    });
  });
}

test('a request the server refuses rejects with its error code and leaves the session open', async () => {
  const phone = session('v-refused', spot());
  await phone.connect();
  await assert.rejects(phone.accept('dongguan-999999'), (error) => {
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.code, 'ERROR_CODE_NOT_FOUND');
    return true;
  });
  const pong = await phone.ping();
  assert.ok(pong.serverTime, 'still answering');
  phone.close();
});

test('a bad token is terminal: connect rejects and the session does not reconnect', async () => {
  const phone = new VolunteerSession({ url: `${node.wsUrl}/v1/volunteer`, token: 'not-a-token' });
  const closes = [];
  phone.on('close', (c) => closes.push(c));
  await assert.rejects(phone.connect(), (error) => error.code === 'ERROR_CODE_UNAUTHENTICATED');
  await waitFor(() => closes.length > 0, { what: 'the close' });
  assert.equal(closes[0].willReconnect, false);
  assert.equal(phone.state, 'closed');
});

test('the same app reconnecting is not told SESSION_REPLACED; another device still is', async () => {
  const where = spot();
  const old = session('v-instance', where, { instanceId: 'phone-a', reconnect: false });
  const errors = [];
  const closes = [];
  old.on('error', (e) => errors.push(e.code));
  old.on('close', (c) => closes.push(c));
  await old.connect();
  const resumed = session('v-instance', where, { instanceId: 'phone-a' });
  await resumed.connect();
  await waitFor(() => closes.length > 0, { what: 'the older socket closing' });
  assert.equal(closes[0].code, 1000);
  assert.deepEqual(errors, [], 'no SESSION_REPLACED for its own newer connection');

  const resumedErrors = [];
  resumed.on('error', (e) => resumedErrors.push(e.code));
  const otherDevice = session('v-instance', where, { instanceId: 'phone-b' });
  await otherDevice.connect();
  await waitFor(() => resumedErrors.length > 0, { what: 'SESSION_REPLACED on the other device\'s takeover' });
  assert.deepEqual(resumedErrors, ['ERROR_CODE_SESSION_REPLACED']);
  resumed.close();
  otherDevice.close();
});

test('the retry hint of a 1013 close is read, bounded, and ignored on other codes', () => {
  assert.equal(retryHintMs(1013, 'no cluster leader right now; retry_after_ms=1730'), 1730);
  assert.equal(retryHintMs(1013, 'retry_after_ms=999999'), 60000);
  assert.equal(retryHintMs(1013, 'no hint'), 0);
  assert.equal(retryHintMs(1012, 'retry_after_ms=1730'), 0);
});

test('resumes after being offline: the missed update comes with the next seq, nothing twice', async () => {
  const where = spot();
  const store = new MemoryResumeStore();
  const first = session('v-resume', where, { resumeStore: store });
  await first.connect();
  const pushed = first.once('alert', { timeoutMs: 10000 });
  const alert = await drowning(where, 'resume');
  const push = await pushed;
  await waitFor(() => store.load().lastSeq === push.seq, { what: 'the saved seq' });
  await waitFor(async () => {
    const { recipients = [] } = await dispatcher.recipients(alert.id);
    return recipients.find((r) => r.volunteerId === 'v-resume' && r.ackedAt);
  }, { what: 'the ack' });
  first.close();

  await dispatcher.updateAlert(alert.id, { description: 'child in a red life jacket' });
  const second = session('v-resume', where, { resumeStore: store });
  const seen = [];
  second.on('push', (p) => seen.push(p));
  const updated = second.once('alertUpdate', { timeoutMs: 10000 });
  const welcome = await second.connect();
  assert.equal(welcome.recovered, true, 'same epoch, history kept: recovered');
  const update = await updated;
  assert.equal(update.alertId, alert.id);
  assert.equal(update.alert.description, 'child in a red life jacket');
  assert.ok(update.seq > push.seq);
  assert.deepEqual(seen.map((p) => p.kind), ['alertUpdate'], 'the alert itself is not shown again');
  second.close();
});

test('reconnects with backoff after the node restarts, resumes, and keeps receiving', async () => {
  const where = spot();
  const phone = session('v-restart', where);
  await phone.connect();
  const first = phone.once('alert', { timeoutMs: 10000 });
  const alert = await drowning(where, 'before restart');
  const push = await first;
  const closes = [];
  const welcomes = [];
  const seen = [];
  phone.on('close', (c) => closes.push(c));
  phone.on('welcome', (w) => welcomes.push(w));
  phone.on('push', (p) => seen.push(p));

  await node.restart();
  await waitFor(() => welcomes.length > 0, { timeoutMs: 30000, what: 'a new Welcome after the restart' });
  assert.ok(closes.length >= 1 && closes[0].willReconnect, 'the close announced a reconnect');
  assert.ok(closes[0].delayMs >= 0);
  assert.equal(welcomes[0].recovered, true, 'same store, same epoch, a seq to resume from: recovered');

  const updated = phone.once('alertUpdate', { timeoutMs: 10000 });
  await dispatcher.updateAlert(alert.id, { title: 'after restart' });
  const update = await updated;
  assert.equal(update.alert.title, 'after restart');
  assert.ok(update.seq > push.seq);
  assert.ok(!seen.some((p) => p.kind === 'alert'), 'the alert is not shown again after the reconnect');
  phone.close();
});
