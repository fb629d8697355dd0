// The parts of the client library that need no server: backoff, codecs, durations.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Backoff, durationMs, jsonCodec, loadProtobufCodec } from '../../clients/js/src/index.js';

test('backoff doubles its ceiling up to the maximum and draws below it', () => {
  const top = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => top.next()), [99, 199, 399, 799, 999, 999]);
  top.reset();
  assert.equal(top.next(), 99);
  const bottom = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
  assert.equal(bottom.next(), 0);
  assert.throws(() => new Backoff({ baseMs: 0 }), RangeError);
});

test('durations in the JSON mapping become milliseconds', () => {
  assert.equal(durationMs('25s', 1), 25000);
  assert.equal(durationMs('0.500s', 1), 500);
  assert.equal(durationMs(undefined, 7), 7);
  assert.equal(durationMs('soon', 7), 7);
});

test('the protobuf codec reads and writes the same objects as the JSON codec', async () => {
  const codec = await loadProtobufCodec();
  const message = {
    requestId: '7',
    welcome: { volunteerId: 'v-1', currentSeq: '12', epoch: 'e-1', recovered: true,
      serverTime: '2026-01-02T03:04:05.678Z', heartbeatInterval: '25s', positionInterval: '0.500s' },
  };
  const decoded = codec.decode(codec.encodeServer(message));
  assert.deepEqual(decoded, message);
  assert.deepEqual(jsonCodec.decode(jsonCodec.encode(message)), message);

  const hello = { requestId: '1', hello: { token: 't', protocolVersion: 1, lastSeq: '3', availability: 'AVAILABILITY_ON_DUTY',
    position: { location: { latitude: 22.93, longitude: 113.89 }, accuracyM: 8 } } };
  assert.deepEqual(codec.decodeClient(codec.encode(hello)), hello);
});
