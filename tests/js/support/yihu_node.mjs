// Test support: a real yihu-server process on a free loopback port, its data in a fresh temporary directory, and
// simulated phones (yihu-volunteer). Every wait is bounded; everything started is stopped by stop()/stopAll().
// Binaries come from the environment CTest sets (YIHU_SERVER, YIHU_VOLUNTEER), else from build/release.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const buildDir = join(repoRoot, 'build', 'release');
export const serverBinary = process.env.YIHU_SERVER ?? join(buildDir, 'server', 'yihu-server');
export const volunteerBinary = process.env.YIHU_VOLUNTEER ?? join(buildDir, 'clients', 'yihu-volunteer');
export const LAKE = { latitude: 22.93, longitude: 113.89 };  // Songshan Lake, Dongguan

// Polls `check` (sync or async) until it returns a truthy value, which it resolves with; rejects after timeoutMs.
export async function waitFor(check, { timeoutMs = 10000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Resolves with the exit code (or the signal's name) once `child` has exited; rejects after timeoutMs.
function exited(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`)),
      timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise(code ?? signal);
    });
  });
}

export class YihuNode {
  constructor({ secret = 'js-test-secret', webRoot = join(repoRoot, 'clients', 'web'), extraArgs = [] } = {}) {
    this.secret = secret;
    this.webRoot = webRoot;
    this.extraArgs = extraArgs;
    this.dataDir = mkdtempSync(join(tmpdir(), 'yihu-js-'));
    this.port = 0;
    this.log = '';
    this.child = null;
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl() {
    return `ws://127.0.0.1:${this.port}`;
  }

  // Starts the server (on the same port as before when restarted) and waits until /readyz says ready.
  async start() {
    const args = ['--port', String(this.port), '--data-dir', this.dataDir, '--auth.token_secret', this.secret,
      '--web.root', this.webRoot, '--delivery.ack_timeout', '2s', ...this.extraArgs];
    const child = spawn(serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const onData = (chunk) => {
      this.log += chunk.toString();
      if (this.log.length > 1 << 20) this.log = this.log.slice(-(1 << 19));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const logStart = this.log.length;
    this.port = await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`yihu-server exited with ${child.exitCode}:\n${this.log}`);
      const m = /listening on [^:\s]+:(\d+)/.exec(this.log.slice(logStart));
      return m ? Number(m[1]) : 0;
    }, { what: 'yihu-server to listen' });
    await waitFor(async () => (await fetch(`${this.httpUrl}/readyz`)).ok, { what: '/readyz' });
    return this;
  }

  // A gauge or counter from /metrics (the first sample of that name), or NaN when absent.
  async metric(name) {
    const text = await (await fetch(`${this.httpUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  }

  // SIGTERM and wait; the node must exit cleanly (0).
  async stop() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited(child, 15000).catch((error) => {
      child.kill('SIGKILL');
      throw error;
    });
    if (code !== 0) throw new Error(`yihu-server exited with ${code}:\n${this.log.slice(-4000)}`);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  // Stops the node and removes its data directory.
  async dispose() {
    try {
      await this.stop();
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}

// yihu-volunteer phones; `args` are its flags (--count, --center, ...). Port and secret come from the node.
export class SimulatedPhones {
  constructor(node, args) {
    this.node = node;
    this.args = args;
    this.output = '';
  }

  start() {
    const args = ['--port', String(this.node.port), '--secret', this.node.secret, '--json', ...this.args];
    this.child = spawn(volunteerBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk) => {
      this.output += chunk.toString();
      if (this.output.length > 1 << 20) this.output = this.output.slice(-(1 << 19));
    };
    this.child.stdout.on('data', onData);
    this.child.stderr.on('data', onData);
    return this;
  }

  // Stops the phones (SIGINT: they close their sockets) and checks the tool's exit status.
  async stop() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const code = await exited(child, 15000).catch((error) => {
      child.kill('SIGKILL');
      throw error;
    });
    if (code !== 0) throw new Error(`yihu-volunteer exited with ${code}:\n${this.output.slice(-4000)}`);
  }
}
