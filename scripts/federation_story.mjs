// The federation demo's story (scripts/demo_federation.sh runs it against two live cities): Laiwu's dispatcher and one
// Jinan volunteer, through the JavaScript client library (clients/js). An elderly man is missing in Laiwu; his
// search ring grows across the border into Jinan's coverage, so the alert is forwarded to Jinan; a Jinan volunteer
// accepts and reports a sighting; Laiwu's dispatcher confirms it and, once he is found, resolves the alert; the
// close reaches Jinan. Every step waits with a deadline; the facts it saw go to FACTS (JSON) and it exits 1 if any
// step did not happen.
//
// Environment: LAIWU_PORT, JINAN_PORT, LAIWU_SECRET, JINAN_SECRET (the nodes' token secrets), FACTS (a file path).
import { writeFileSync } from 'node:fs';

import { DispatcherClient, VolunteerSession } from '../clients/js/src/index.js';
import { signToken } from '../clients/js/src/node_token.js';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`federation_story: ${name} is not set`);
  return value;
};
const laiwuUrl = `http://127.0.0.1:${env('LAIWU_PORT')}`;
const jinanUrl = `http://127.0.0.1:${env('JINAN_PORT')}`;
const facts = { steps: [] };
const started = Date.now();

const say = (text) => console.log(`[story] +${((Date.now() - started) / 1000).toFixed(1)}s ${text}`);
const fail = (text) => {
  facts.failed = text;
  writeFileSync(env('FACTS'), JSON.stringify(facts, null, 2));
  console.error(`[story] FAILED: ${text}`);
  process.exit(1);
};
// Polls `check` until it returns something truthy (which it resolves with), or fails the story after `seconds`.
async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) fail(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Where things are: last seen at the northern edge of Laiwu, towards Jinan; the witness in Jinan's south-east.
const LAST_SEEN = { latitude: 36.35, longitude: 117.45 };
const WITNESS_AT = { latitude: 36.5, longitude: 117.25 };
const SIGHTED_AT = { latitude: 36.505, longitude: 117.245 };

const laiwu = new DispatcherClient({
  baseUrl: laiwuUrl, token: signToken(env('LAIWU_SECRET'), { subject: 'laiwu-dispatcher', role: 'dispatcher' }),
});
const jinan = new DispatcherClient({
  baseUrl: jinanUrl, token: signToken(env('JINAN_SECRET'), { subject: 'jinan-dispatcher', role: 'dispatcher' }),
});

// The whole audit trail of an alert in Laiwu, every page.
async function auditTrail(id) {
  const events = [];
  let token = '';
  do {
    const page = await laiwu.request('GET',
      `/v1/alerts/${encodeURIComponent(id)}/audit?pageSize=200${token ? `&pageToken=${token}` : ''}`);
    events.push(...(page.events ?? []));
    token = page.nextPageToken ?? '';
  } while (token);
  return events;
}
const peerAcked = (events, what) =>
  events.some((e) => e.kind === 'AUDIT_EVENT_KIND_PEER_ACKED' && e.reason.startsWith(`jinan accepted ${what}`));

// Laiwu's dispatcher console: the live feed, kept for the sighting and the neighbours' counts.
const feedEvents = [];
const feed = laiwu.feed({ responderPositions: false });
feed.on('event', (e) => feedEvents.push(e));
await feed.start();
await waitFor('Laiwu\'s live feed to open', 10, () => feed.state === 'open');

// The Jinan volunteer who will see him, on duty with the app open.
const pushes = { alert: [], alertUpdate: [], alertClosed: [] };
const witness = new VolunteerSession({
  url: `${jinanUrl.replace(/^http/, 'ws')}/v1/volunteer`,
  token: signToken(env('JINAN_SECRET'), { subject: 'jinan-witness', role: 'volunteer' }),
  position: { location: WITNESS_AT, accuracyM: 10 },
});
for (const kind of Object.keys(pushes)) witness.on(kind, (body) => pushes[kind].push(body));
await witness.connect();
say('a Jinan volunteer (jinan-witness) is on duty near the border, 25 km from where the man was last seen');

// 1. Missing in Laiwu. His ring starts at 5 km (Laiwu only) and grows to 30 km after 15 s, across the border.
const alert = await laiwu.createAlert({
  kind: 'ALERT_KIND_MISSING_PERSON',
  title: '走失老人 Missing: man, 78, blue jacket, walking stick',
  description: 'Left home in Laiwu this morning; may have taken a bus towards Jinan.',
  center: LAST_SEEN,
  respondersWanted: 20,
  policy: { rings: [{ after: '0s', radiusM: 5000 }, { after: '15s', radiusM: 30000 }] },
});
facts.alertId = alert.id;
say(`Laiwu's dispatcher raised ${alert.id}: search ring 5 km around ${LAST_SEEN.latitude},${LAST_SEEN.longitude}, 30 km after 15 s`);

// 2. The ring grows into Jinan's coverage: the alert is forwarded and Jinan's volunteers get it.
const inJinan = await waitFor('the alert to reach the Jinan volunteer', 45,
  () => pushes.alert.find((p) => p.alert?.id === alert.id));
facts.forwardedAfterS = (Date.now() - started) / 1000;
facts.witnessAlerted = true;
facts.copyOrigin = inJinan.alert.origin;
say(`the ring grew to ${inJinan.alert.currentRadiusM / 1000} km; Jinan holds ${alert.id} (origin ${inJinan.alert.origin}) and alerted its volunteers`);
facts.forwardAudited = await waitFor('FORWARDED and PEER_ACKED in the audit trail', 10, async () => {
  const events = await auditTrail(alert.id);
  return events.some((e) => e.kind === 'AUDIT_EVENT_KIND_FORWARDED' && e.reason.startsWith('alert v')) &&
    peerAcked(events, 'alert v');
});

// 3. The Jinan volunteer accepts and reports a sighting.
await witness.accept(alert.id);
await witness.reportSighting({
  alertId: alert.id, position: { location: SIGHTED_AT, accuracyM: 10 },
  text: 'Old man in a blue jacket at the bus station, confused',
});
say('jinan-witness accepted and reported a sighting: "Old man in a blue jacket at the bus station, confused"');

// 4. Laiwu's dispatcher sees it (reported in Jinan, no volunteer id) and confirms it: the search centre moves there.
const sighting = await waitFor('the sighting on Laiwu\'s feed', 15,
  () => feedEvents.find((e) => e.alertId === alert.id && e.sighting)?.sighting);
facts.sightingReporter = sighting.reporterId;
say(`Laiwu's console shows sighting ${sighting.id}, reported by ${sighting.reporterId}`);
await laiwu.confirmSighting(alert.id, sighting.id);
const moved = await waitFor('the confirmed sighting to move Jinan\'s copy', 15,
  () => pushes.alertUpdate.find((p) => p.alert?.id === alert.id &&
    Math.abs((p.alert.center?.latitude ?? 0) - SIGHTED_AT.latitude) < 1e-6));
facts.sightingConfirmed = Boolean(moved);
say('Laiwu\'s dispatcher confirmed it: the search centre moved to the bus station, in Laiwu and in Jinan');

// 5. Jinan's counts come back to Laiwu, live on its feed.
const peerCounts = await waitFor('Jinan\'s counts on Laiwu\'s feed', 20,
  () => feedEvents.filter((e) => e.alertId === alert.id && e.peerCounts?.city === 'jinan')
    .map((e) => e.peerCounts.counts).find((c) => (c?.accepted ?? 0) >= 1 && (c?.sightings ?? 0) >= 1));
facts.jinanCounts = peerCounts;
say(`Laiwu sees Jinan's counts: notified ${peerCounts.notified ?? 0}, accepted ${peerCounts.accepted ?? 0}, sightings ${peerCounts.sightings ?? 0}`);

// 6. He is found: Laiwu resolves the alert; the close reaches Jinan and its volunteers.
await laiwu.resolveAlert(alert.id, { found: true, message: 'Found safe at the bus station. Thank you, Laiwu and Jinan.' });
say('he is found: Laiwu\'s dispatcher resolved the alert');
await waitFor('the close notice on the Jinan volunteer\'s phone', 15,
  () => pushes.alertClosed.find((p) => p.alertId === alert.id));
facts.witnessClosed = true;
const copy = await waitFor('Jinan\'s copy to be closed', 15, async () => {
  const d = await jinan.getAlert(alert.id);
  return d.alert.state === 'ALERT_STATE_RESOLVED_FOUND' ? d : null;
});
facts.jinanState = copy.alert.state;
facts.closeAcked = await waitFor('Jinan\'s acknowledgement of the close in Laiwu\'s audit trail', 10,
  async () => peerAcked(await auditTrail(alert.id), 'close v'));
say(`Jinan's copy is ${copy.alert.state}; the Jinan volunteer got the close notice`);

witness.close();
feed.stop();
facts.ok = true;
writeFileSync(env('FACTS'), JSON.stringify(facts, null, 2));
