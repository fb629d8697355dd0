// Browser-test support: Debian's Chromium driven headless by playwright-core, with a fresh profile each time. Every
// request a page makes is recorded, so a test can check that nothing was loaded from outside the node, and every
// page error and console error is kept, so a test can fail on them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { repoRoot } from '../../js/support/yihu_node.mjs';

export const chromiumPath = process.env.YIHU_CHROMIUM ?? '/usr/bin/chromium';
// Screenshots land here (the build tree when CTest runs the tests); the best ones are copied to docs/ by hand.
export const screenshotDir = process.env.YIHU_SCREENSHOTS ?? join(repoRoot, 'build', 'screenshots');

const kFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export class Browser {
  static async launch() {
    const b = new Browser();
    b.profile = mkdtempSync(join(tmpdir(), 'yihu-chromium-'));
    b.context = await chromium.launchPersistentContext(b.profile, {
      executablePath: chromiumPath,
      headless: true,
      args: kFlags,
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timeout: 60000,
    });
    b.requests = [];
    b.problems = [];
    b.failedResponses = [];
    return b;
  }

  // A new tab, its requests and errors recorded.
  async page({ viewport } = {}) {
    const page = await this.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on('request', (r) => this.requests.push(r.url()));
    page.on('websocket', (ws) => this.requests.push(ws.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) this.failedResponses.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console error: ${m.text()}`);
    });
    page.setDefaultTimeout(20000);
    return page;
  }

  // URLs requested (WebSockets included) from anywhere but the node at `origin` (http://host:port), its WebSocket
  // origin, and the origins in `alsoAllowed` (a tile server the node was configured with); data: and blob: URLs are
  // the page's own.
  foreignRequests(origin, alsoAllowed = []) {
    const allowed = [origin, origin.replace(/^http/, 'ws'), ...alsoAllowed].map((o) => new URL(o).origin);
    return this.requests.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      const url = new URL(u);
      return !allowed.includes(url.origin);
    });
  }

  async screenshot(page, name) {
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await page.screenshot({ path });
    return path;
  }

  async close() {
    try {
      await this.context?.close();
    } finally {
      rmSync(this.profile, { recursive: true, force: true });
    }
  }
}
