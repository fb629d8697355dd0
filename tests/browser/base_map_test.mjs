// The base map of the console and the volunteer app in headless Chromium: with `[web] tile_url` configured, both
// pages fetch their tiles from that template (a city's own tile server, here a small HTTP server in the test on
// loopback); with none, they draw the plain background with a latitude/longitude grid and a scale, and request
// nothing from anywhere but the node.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';

import { signToken } from '../../clients/js/src/node_token.js';
import { LAKE, waitFor, YihuNode } from '../js/support/yihu_node.mjs';
import { Browser } from './support/browser.mjs';

// A 256x256 PNG of one colour: a tile a browser really decodes (a broken image would not count as loaded).
function solidPng(rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const size = 256;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);  // 8 bits per sample, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).map((_, i) => rgb[i % 3])]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const tile = solidPng([0xc8, 0xe6, 0xc9]);
const tileRequests = [];
const tileServer = createServer((request, response) => {
  tileRequests.push(request.url);
  if (!/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(request.url)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': tile.length }).end(tile);
});
let tileOrigin;
let tiled;
const plain = new YihuNode();
let browser;

before(async () => {
  await new Promise((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
  tileOrigin = `http://127.0.0.1:${tileServer.address().port}`;
  tiled = new YihuNode({ extraArgs: ['--web.tile_url', `${tileOrigin}/tiles/{z}/{x}/{y}.png`] });
  await tiled.start();
  await plain.start();
  browser = await Browser.launch();
});
after(async () => {
  await browser?.close();
  await tiled?.dispose();
  await plain.dispose();
  await new Promise((resolve) => tileServer.close(resolve));
});

// Tiles the page shows (loaded <img> in Leaflet's tile pane), by URL.
const loadedTiles = (page, selector) => page.locator(`${selector} .leaflet-tile-pane img.leaflet-tile-loaded`)
  .evaluateAll((imgs) => imgs.filter((img) => img.naturalWidth === 256).map((img) => img.src));

test('Browser: a configured tile URL template is the base map of the console and the app', async () => {
  const page = await browser.page();
  const token = signToken(tiled.secret, { subject: 'd-map', role: 'dispatcher' });
  await page.goto(`${tiled.httpUrl}/console/#token=${token}`);
  await page.locator('#feed-status.state-open').waitFor();
  const tiles = await waitFor(async () => {
    const srcs = await loadedTiles(page, '#map');
    return srcs.length >= 4 && srcs;
  }, { what: 'the console\'s tiles' });
  // The console opens at zoom 14 on Songshan Lake: the tile holding the lake (slippy-map numbering) is among them.
  const n = 2 ** 14;
  const lat = (LAKE.latitude * Math.PI) / 180;
  const x = Math.floor(((LAKE.longitude + 180) / 360) * n);
  const y = Math.floor(((1 - Math.asinh(Math.tan(lat)) / Math.PI) / 2) * n);
  assert.ok(tiles.includes(`${tileOrigin}/tiles/14/${x}/${y}.png`), `the lake's tile 14/${x}/${y} in ${tiles}`);
  for (const src of tiles) assert.match(src, new RegExp(`^${tileOrigin}/tiles/14/\\d+/\\d+\\.png$`));
  assert.ok(tiles.every((src) => tileRequests.includes(new URL(src).pathname)), 'every tile came from the tile server');
  assert.equal(await page.locator('#map.plain-map').count(), 0, 'no plain background under real tiles');
  assert.equal(await page.locator('#map .grid-label').count(), 0);
  await page.locator('#map .leaflet-control-scale').waitFor();

  const app = await browser.page({ viewport: { width: 420, height: 900 } });
  const before = tileRequests.length;
  await app.goto(`${tiled.httpUrl}/app/#token=${signToken(tiled.secret, { subject: 'v-map', role: 'volunteer' })}`);
  await app.locator('#connection.state-open').waitFor();
  await waitFor(async () => (await loadedTiles(app, '#pin-map')).length >= 1, { what: 'the app\'s tiles' });
  assert.ok(tileRequests.length > before, 'the app asked the tile server too');

  // Only the node and the configured tile server were asked; the check notices the tile server when it is not allowed.
  assert.deepEqual(browser.foreignRequests(tiled.httpUrl, [tileOrigin]), []);
  assert.ok(browser.foreignRequests(tiled.httpUrl).length > 0, 'tile requests count as outside the node');
  assert.deepEqual(browser.problems, []);
  await page.close();
  await app.close();
});

test('Browser: with no tile URL the pages draw a plain grid and a scale, all from the node', async () => {
  const start = browser.requests.length;
  const before = tileRequests.length;
  const page = await browser.page();
  const token = signToken(plain.secret, { subject: 'd-offline', role: 'dispatcher' });
  await page.goto(`${plain.httpUrl}/console/#token=${token}`);
  await page.locator('#feed-status.state-open').waitFor();
  assert.deepEqual(await (await page.request.get(`${plain.httpUrl}/console/config.json`)).json(), { tileUrl: '' });
  await page.locator('#map.plain-map').waitFor();
  await page.locator('#map .leaflet-control-scale').waitFor();
  const labels = await page.locator('#map .grid-label').allTextContents();
  assert.ok(labels.some((l) => /°N$/.test(l)) && labels.some((l) => /°E$/.test(l)), `grid labels: ${labels}`);
  assert.equal(await page.locator('#map img.leaflet-tile').count(), 0, 'no tile layer');
  await browser.screenshot(page, 'console-offline-grid');

  const app = await browser.page({ viewport: { width: 420, height: 900 } });
  await app.goto(`${plain.httpUrl}/app/#token=${signToken(plain.secret, { subject: 'v-offline', role: 'volunteer' })}`);
  await app.locator('#connection.state-open').waitFor();
  await app.locator('#pin-map.plain-map .grid-label').first().waitFor();

  assert.equal(tileRequests.length, before, 'the tile server was not asked');
  const requests = browser.requests.slice(start);
  assert.ok(requests.length > 0);
  assert.deepEqual(requests.filter((u) => new URL(u).port !== String(plain.port)), [],
    'every request of these pages went to the node');
  assert.deepEqual(browser.problems, []);
});
