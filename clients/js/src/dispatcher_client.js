import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { webSocketClass } from './socket.js';

// An error reply of the HTTP API: the ErrorBody's code, message and details, and the HTTP status.
export class ApiError extends Error {
  constructor(status, body) {
    const code = body?.code ?? `HTTP_${status}`;
    super(`${code}: ${body?.message ?? ''}`);
    this.status = status;
    this.code = code;
    this.serverMessage = body?.message ?? '';
    this.details = body?.details ?? {};
    this.retryAfter = body?.retryAfter;
  }
}

// The dispatcher API over HTTP (docs/api.md, "Dispatchers: HTTP + JSON"). Every method resolves with the reply's
// JSON or rejects with an ApiError (or a TypeError when the node cannot be reached).
export class DispatcherClient {
  // baseUrl: "http://127.0.0.1:8080" (in a page served by the node: location.origin).
  constructor({ baseUrl, token, fetch: fetchImpl = globalThis.fetch }) {
    if (!token) throw new TypeError('DispatcherClient needs a dispatcher token');
    this.baseUrl = String(baseUrl ?? '').replace(/\/$/, '');
    this.token = token;
    // Called unbound: a browser's fetch refuses `this` being anything but the window.
    this.fetch = (...args) => fetchImpl(...args);
  }

  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const reply = await this.fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await reply.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { message: text };
    }
    if (!reply.ok) {
      const error = new ApiError(reply.status, json);
      error.retryAfter = reply.headers.get('retry-after') ?? undefined;
      throw error;
    }
    return json;
  }

  createAlert(request) {
    return this.request('POST', '/v1/alerts', request);
  }
  listAlerts({ states = [], kinds = [], pageSize = 50, pageToken = '' } = {}) {
    const query = new URLSearchParams();
    for (const s of states) query.append('states', s);
    for (const k of kinds) query.append('kinds', k);
    query.set('pageSize', String(pageSize));
    if (pageToken) query.set('pageToken', pageToken);
    return this.request('GET', `/v1/alerts?${query}`);
  }
  getAlert(id) {
    return this.request('GET', `/v1/alerts/${encodeURIComponent(id)}`);
  }
  updateAlert(id, changes) {
    return this.request('PATCH', `/v1/alerts/${encodeURIComponent(id)}`, changes);
  }
  resolveAlert(id, { found = false, message = '' } = {}) {
    return this.request('POST', `/v1/alerts/${encodeURIComponent(id)}:resolve`, { found, message });
  }
  cancelAlert(id, reason = '') {
    return this.request('POST', `/v1/alerts/${encodeURIComponent(id)}:cancel`, { reason });
  }
  recipients(id) {
    return this.request('GET', `/v1/alerts/${encodeURIComponent(id)}/recipients`);
  }
  responses(id) {
    return this.request('GET', `/v1/alerts/${encodeURIComponent(id)}/responses`);
  }
  audit(id) {
    return this.request('GET', `/v1/alerts/${encodeURIComponent(id)}/audit`);
  }
  confirmSighting(id, sightingId) {
    return this.request(
      'POST',
      `/v1/alerts/${encodeURIComponent(id)}/sightings/${encodeURIComponent(sightingId)}:confirm`,
      {},
    );
  }
  listDevices() {
    return this.request('GET', '/v1/devices');
  }
  putDevice(device) {
    return this.request('PUT', `/v1/devices/${encodeURIComponent(device.id)}`, device);
  }

  // The live feed (GET /v1/feed), reconnecting by itself. See LiveFeed.
  feed(options = {}) {
    const wsBase = this.baseUrl.replace(/^http/, 'ws');
    return new LiveFeed({ url: `${wsBase}/v1/feed`, token: this.token, ...options });
  }
}

// The dispatchers' live feed: LiveFeedEvent JSON frames. Best effort (docs/api.md): after every reconnect the
// 'open' event says so, and the caller fetches the lists again.
// Events: open {reconnected}, event (a LiveFeedEvent), close {code, reason, delayMs}, stateChange.
export class LiveFeed extends Emitter {
  constructor({ url, token, alertIds = [], responderPositions = true, WebSocket = null, backoff = new Backoff() }) {
    super();
    Object.assign(this, { url, token, alertIds, responderPositions, backoff });
    this.WebSocketImpl = WebSocket;
    this.state = 'closed';
    this.stopped = true;
    this.opens = 0;
  }

  async start() {
    this.stopped = false;
    this.WebSocketImpl = await webSocketClass(this.WebSocketImpl);
    this.#open();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket && this.socket.readyState <= 1) this.socket.close(1000, 'bye');
    this.#setState('closed');
  }

  // Changes which alerts the feed follows (empty: all), without reconnecting.
  subscribe({ alertIds = this.alertIds, responderPositions = this.responderPositions } = {}) {
    this.alertIds = alertIds;
    this.responderPositions = responderPositions;
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify({ alertIds, responderPositions }));
  }

  #setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('stateChange', state);
  }

  #open() {
    this.#setState('connecting');
    const query = new URLSearchParams({ access_token: this.token });
    if (this.responderPositions) query.set('responderPositions', 'true');
    if (this.alertIds.length) query.set('alertIds', this.alertIds.join(','));
    const socket = new this.WebSocketImpl(`${this.url}?${query}`);
    this.socket = socket;
    socket.onopen = () => {
      this.backoff.reset();
      this.#setState('open');
      this.emit('open', { reconnected: this.opens++ > 0 });
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      try {
        this.emit('event', JSON.parse(event.data));
      } catch (error) {
        this.emit('handlerError', { event: 'decode', error });
      }
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return this.#setState('closed');
      const delayMs = this.backoff.next();
      this.emit('close', { code: event.code, reason: event.reason, delayMs });
      this.#setState('waiting');
      this.timer = setTimeout(() => this.stopped || this.#open(), delayMs);
    };
  }
}
