import { Backoff } from './backoff.js';
import { jsonCodec, loadProtobufCodec } from './codec.js';
import { Emitter } from './emitter.js';
import { isText, toBytes, webSocketClass } from './socket.js';

// Errors after which reconnecting cannot help (docs/api.md, "Errors"): the token or the app must change first, or
// another socket of the same volunteer took over.
export const TERMINAL_ERRORS = new Set([
  'ERROR_CODE_UNAUTHENTICATED',
  'ERROR_CODE_TOKEN_EXPIRED',
  'ERROR_CODE_UNSUPPORTED_VERSION',
  'ERROR_CODE_FORBIDDEN_ROLE',
  'ERROR_CODE_SESSION_REPLACED',
]);

export const PUSH_KINDS = ['alert', 'alertUpdate', 'standDown', 'alertClosed'];

// Where the session keeps the resume point (last seq and epoch) between connections and page loads.
export class MemoryResumeStore {
  constructor(initial = { lastSeq: 0, epoch: '' }) {
    this.state = { ...initial };
  }
  load() {
    return { ...this.state };
  }
  save(state) {
    this.state = { ...state };
  }
}

// The same in the browser's localStorage, under `key` (one volunteer per key).
export class LocalStorageResumeStore {
  constructor(key = 'yihu.resume', storage = globalThis.localStorage) {
    this.key = key;
    this.storage = storage;
  }
  load() {
    try {
      const state = JSON.parse(this.storage.getItem(this.key) ?? 'null');
      return { lastSeq: Number(state?.lastSeq ?? 0), epoch: String(state?.epoch ?? '') };
    } catch {
      return { lastSeq: 0, epoch: '' };
    }
  }
  save(state) {
    this.storage.setItem(this.key, JSON.stringify(state));
  }
}

export class ProtocolError extends Error {
  constructor(error) {
    super(`${error.code ?? 'ERROR_CODE_UNSPECIFIED'}: ${error.message ?? ''}`);
    this.code = error.code ?? 'ERROR_CODE_UNSPECIFIED';
    this.fatal = Boolean(error.fatal);
    this.serverMessage = error.message ?? '';
  }
}

// One volunteer's session over GET /v1/volunteer (docs/api.md, "Volunteers: the WebSocket protocol").
//
// Events (session.on(name, handler)):
//   open, welcome {welcome, recovered}, reset (not recovered: drop cached alerts; every open alert comes again),
//   alert / alertUpdate / standDown / alertClosed (the push body; `seq` as a number), push {kind, body},
//   error (a ProtocolError the server sent), close {code, reason, willReconnect, delayMs}, terminal (a fatal error
//   after which the session stops), stateChange (connecting | open | waiting | closed).
// Pushes are delivered once: duplicates (a resend with a seq already seen) are dropped, and each push is
// acknowledged (Ack{seq}, cumulative) after its handlers ran, unless `autoAck` is false (then call ack(seq)).
// 16 hex digits, drawn once per session object.
function randomInstanceId() {
  const bytes = new Uint8Array(8);
  if (globalThis.crypto?.getRandomValues) {
    globalThis.crypto.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// The "retry_after_ms=N" a 1013 close's reason ends with (docs/api.md), at most a minute; 0 when there is none.
export function retryHintMs(code, reason) {
  if (code !== 1013) return 0;
  const match = /retry_after_ms=(\d+)/.exec(String(reason ?? ''));
  return match ? Math.min(Number(match[1]), 60000) : 0;
}

export class VolunteerSession extends Emitter {
  constructor({
    url,
    token,
    encoding = 'json',
    protoDir,
    position = null,
    availability = 'AVAILABILITY_ON_DUTY',
    resumeStore = new MemoryResumeStore(),
    WebSocket = null,
    backoff = new Backoff(),
    reconnect = true,
    autoAck = true,
    clientVersion = 'yihu-js/0.1',
    requestTimeoutMs = 10000,
    instanceId = randomInstanceId(),
  }) {
    super();
    if (!url) throw new TypeError('VolunteerSession needs the node URL, e.g. ws://127.0.0.1:8080/v1/volunteer');
    if (!token) throw new TypeError('VolunteerSession needs a volunteer token');
    if (encoding !== 'json' && encoding !== 'protobuf') throw new TypeError(`unknown encoding '${encoding}'`);
    Object.assign(this, { url, token, encoding, protoDir, backoff, reconnect, autoAck, clientVersion });
    this.requestTimeoutMs = requestTimeoutMs;
    // Sent on every Hello: the server then knows a reconnect from this object for the same phone resuming, and
    // closes the old socket quietly instead of with the fatal SESSION_REPLACED (volunteer.proto Hello.instance_id).
    this.instanceId = instanceId;
    this.resumeStore = resumeStore;
    this.position = position;
    this.availability = availability;
    this.WebSocketImpl = WebSocket;
    this.state = 'closed';
    this.welcome = null;
    this.socket = null;
    this.nextRequestId = 1;
    this.pending = new Map();  // requestId -> {resolve, reject, timer}
    this.stopped = true;
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    this.positionTimer = null;
    const resume = resumeStore.load();
    this.lastSeq = Number(resume.lastSeq ?? 0);
    this.epoch = String(resume.epoch ?? '');
  }

  // Connects and resolves with the Welcome; rejects with a ProtocolError if the Hello is refused. After that the
  // session reconnects by itself (unless `reconnect` is false) until close().
  async connect() {
    this.stopped = false;
    this.codec = this.encoding === 'json' ? jsonCodec : await loadProtobufCodec({ protoDir: this.protoDir });
    this.WebSocketImpl = await webSocketClass(this.WebSocketImpl);
    return this.#open();
  }

  // Stops for good: no reconnect; pending requests are rejected.
  close(code = 1000, reason = 'bye') {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.#stopTimers();
    if (this.socket && this.socket.readyState <= 1) this.socket.close(code, reason);
    this.#setState('closed');
  }

  get connected() {
    return this.state === 'open';
  }

  // Reports where the volunteer is (no reply unless it fails). Kept and sent again in each Hello.
  updatePosition(latitude, longitude, accuracyM = 10) {
    this.position = { location: { latitude, longitude }, accuracyM };
    if (this.connected) this.#send({ position: { position: this.position } });
  }

  setAvailability(availability) {
    this.availability = availability;
    return this.#request({ availability: { availability } });
  }

  setSkills(skills) {
    return this.#request({ skills: { skills } });
  }

  // Resolves with RequestOk ({role} on accept).
  respond(alertId, kind, position = this.position) {
    const respond = { alertId, kind };
    if (position) respond.position = position;
    return this.#request({ respond });
  }

  accept(alertId) {
    return this.respond(alertId, 'RESPONSE_KIND_ACCEPT');
  }

  decline(alertId) {
    return this.respond(alertId, 'RESPONSE_KIND_DECLINE');
  }

  // Resolves with the sighting's id.
  async reportSighting({ alertId, position = this.position, text = '', photoUrl = '' }) {
    const sighting = { alertId, text };
    if (position) sighting.position = position;
    if (photoUrl) sighting.photoUrl = photoUrl;
    const ok = await this.#request({ sighting });
    return ok.id;
  }

  ping() {
    return this.#request({ ping: { sentAt: new Date().toISOString() } });
  }

  // Acknowledges every push up to `seq` (cumulative). Only needed with autoAck: false.
  ack(seq) {
    if (this.connected) this.#send({ ack: { seq: String(seq) } });
  }

  #setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('stateChange', state);
  }

  #open() {
    return new Promise((resolve, reject) => {
      this.#setState('connecting');
      let welcomed = false;
      const socket = new this.WebSocketImpl(this.url);
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      socket.onopen = () => {
        this.emit('open');
        const hello = {
          token: this.token,
          clientVersion: this.clientVersion,
          protocolVersion: 1,
          lastSeq: String(this.lastSeq),
          lastEpoch: this.epoch,
          availability: this.availability,
          instanceId: this.instanceId,
        };
        if (this.position) hello.position = this.position;
        this.#request({ hello }, { allowBeforeOpen: true }).then(
          (welcome) => {
            welcomed = true;
            this.#onWelcome(welcome);
            resolve(welcome);
          },
          (error) => reject(error),
        );
      };
      socket.onmessage = (event) => this.#onFrame(event.data);
      socket.onerror = () => {};  // the close event follows and carries what is known
      socket.onclose = (event) => {
        if (this.socket !== socket) return;
        this.#onClose(event.code, event.reason);
        if (!welcomed) reject(this.lastFatal ?? new Error(`connection closed (${event.code}) before the Welcome`));
      };
    });
  }

  #onWelcome(welcome) {
    this.welcome = welcome;
    this.lastFatal = null;
    this.backoff.reset();
    const recovered = Boolean(welcome.recovered);
    // Not recovered (another epoch, history trimmed): every alert still open comes again with new seqs, so the old
    // seqs no longer order anything.
    this.epoch = welcome.epoch ?? '';
    if (!recovered) this.lastSeq = 0;
    this.#saveResume();
    this.#setState('open');
    this.#startTimers(welcome);
    this.emit('welcome', { welcome, recovered });
    if (!recovered) this.emit('reset', welcome);
  }

  #onFrame(data) {
    let message;
    try {
      message = isText(data) ? jsonCodec.decode(data) : this.codec.decode(toBytes(data));
    } catch (error) {
      this.emit('handlerError', { event: 'decode', error });
      return;
    }
    const requestId = Number(message.requestId ?? 0);
    if (requestId && this.pending.has(requestId)) {
      const { resolve, reject, timer } = this.pending.get(requestId);
      this.pending.delete(requestId);
      clearTimeout(timer);
      if (message.error) reject(new ProtocolError(message.error));
      else resolve(message.welcome ?? message.ok ?? message.pong ?? message);
    }
    if (message.error) {
      const error = new ProtocolError(message.error);
      if (error.fatal) this.lastFatal = error;
      this.emit('error', error);
      return;
    }
    for (const kind of PUSH_KINDS) {
      if (message[kind]) this.#onPush(kind, message[kind]);
    }
  }

  #onPush(kind, body) {
    const seq = Number(body.seq ?? 0);
    if (seq && seq <= this.lastSeq) {
      // A resend of what was already handled (its ack was lost): acknowledge again, do not show again.
      if (this.autoAck) this.ack(this.lastSeq);
      return;
    }
    const push = { ...body, seq };
    this.emit(kind, push);
    this.emit('push', { kind, body: push });
    if (seq) {
      this.lastSeq = seq;
      this.#saveResume();
      if (this.autoAck) this.ack(seq);
    }
  }

  #onClose(code, reason) {
    this.#stopTimers();
    this.socket = null;
    for (const [, { reject, timer }] of this.pending) {
      clearTimeout(timer);
      reject(new Error(`connection closed (${code})`));
    }
    this.pending.clear();
    const terminal = this.lastFatal && TERMINAL_ERRORS.has(this.lastFatal.code);
    const willReconnect = !this.stopped && this.reconnect && !terminal;
    // A 1013 (try again later) close names a moment drawn at random by the server: waiting at least that long spreads
    // a failover's reconnects out.
    const delayMs = willReconnect ? Math.max(this.backoff.next(), retryHintMs(code, reason)) : 0;
    this.emit('close', { code, reason, willReconnect, delayMs });
    if (terminal && !this.stopped) {
      this.stopped = true;
      this.emit('terminal', this.lastFatal);
    }
    if (!willReconnect) {
      this.#setState('closed');
      return;
    }
    this.#setState('waiting');
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped) return;
      this.#open().catch(() => {});  // a failed attempt closes, and #onClose schedules the next
    }, delayMs);
  }

  #request(body, { allowBeforeOpen = false } = {}) {
    if (!allowBeforeOpen && !this.connected) return Promise.reject(new Error('not connected'));
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no reply to request ${requestId} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.#send({ requestId: String(requestId), ...body });
    });
  }

  #send(message) {
    if (!this.socket || this.socket.readyState !== 1) return;
    this.socket.send(this.codec.encode(message));
  }

  #saveResume() {
    this.resumeStore.save({ lastSeq: this.lastSeq, epoch: this.epoch });
  }

  #startTimers(welcome) {
    this.#stopTimers();
    const heartbeatMs = durationMs(welcome.heartbeatInterval, 25000);
    const positionMs = durationMs(welcome.positionInterval, 10000);
    // An application-level ping keeps proxies from timing the socket out and shows a dead link early.
    this.heartbeatTimer = setInterval(() => this.ping().catch(() => {}), heartbeatMs);
    // Positions older than the server's position_max_age stop matching: repeat the last one while connected.
    this.positionTimer = setInterval(() => {
      if (this.position) this.#send({ position: { position: this.position } });
    }, positionMs);
  }

  #stopTimers() {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.positionTimer);
    this.heartbeatTimer = this.positionTimer = null;
  }
}

// "25s" or "0.500s" -> milliseconds; `fallback` when absent or unreadable.
export function durationMs(text, fallback) {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(String(text ?? ''));
  const ms = match ? Math.round(Number(match[1]) * 1000) : fallback;
  return ms > 0 ? ms : fallback;
}
