// The dispatcher's console (docs/console.md): alerts on a map, created by clicking it, followed live over the feed.
import { DispatcherClient } from '/lib/index.js';

import { AlertLayer, recipientState, STATE_COLOURS } from './alert_layer.js';
import { createBaseMap, loadWebConfig } from './base_map.js';
import { CreateForm } from './create_form.js';
import { renderDetail } from './detail_view.js';
import { distanceText, errorText, label, lang, setLang, t, timeText, translatePage } from './i18n.js';

const $ = (id) => document.getElementById(id);

class Console {
  constructor() {
    this.alerts = new Map();  // id -> {detail, recipients, responses, audit, sightings, positions, layer}
    this.devices = [];
    this.deviceLayer = null;
    this.selectedId = null;
    this.tab = 'recipients';
    this.refreshTimers = new Map();
    this.client = null;
    this.feed = null;
  }

  async start() {
    setLang(lang());
    $('lang').addEventListener('click', () => {
      setLang(lang() === 'zh' ? 'en' : 'zh');
      this.renderAll();
    });
    $('signout').addEventListener('click', () => this.signOut());
    $('signin-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.signIn(new FormData(e.target).get('token').trim());
    });
    const config = await loadWebConfig();
    this.map = createBaseMap($('map'), { tileUrl: config.tileUrl });
    this.createForm = new CreateForm(this);

    // A token in the fragment (run.sh prints such a link) is taken once and removed from the address bar.
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get('token') ?? sessionStorage.getItem('yihu.dispatcherToken');
    if (fragment.has('token')) history.replaceState(null, '', location.pathname);
    if (token) await this.signIn(token);
    else $('signin').hidden = false;
  }

  async signIn(token) {
    const client = new DispatcherClient({ baseUrl: location.origin, token });
    try {
      await client.listAlerts({ states: ['ALERT_STATE_ACTIVE'], pageSize: 1 });
    } catch (error) {
      $('signin').hidden = false;
      $('signin-error').hidden = false;
      $('signin-error').textContent = errorText(error);
      return;
    }
    sessionStorage.setItem('yihu.dispatcherToken', token);
    $('signin').hidden = true;
    $('signin-error').hidden = true;
    $('signout').hidden = false;
    $('who').textContent = subjectOf(token);
    this.client = client;
    this.startFeed();
    await this.refreshAll();
  }

  signOut() {
    sessionStorage.removeItem('yihu.dispatcherToken');
    this.feed?.stop();
    location.reload();
  }

  startFeed() {
    this.feed = this.client.feed({ responderPositions: true });
    this.feed.on('stateChange', (state) => {
      const el = $('feed-status');
      el.className = `feed-status state-${state}`;
      el.dataset.i18n = `feed.${state}`;
      el.textContent = t(`feed.${state}`);
    });
    // The feed is best effort: after a reconnect everything is fetched again.
    this.feed.on('open', ({ reconnected }) => {
      if (reconnected) this.refreshAll();
    });
    this.feed.on('event', (event) => this.onFeedEvent(event));
    this.feed.start();
  }

  // Runs `work`, showing its error (if any) as a message; resolves with its result or undefined.
  async attempt(work, success) {
    try {
      const result = await work();
      if (success) this.message(typeof success === 'function' ? success(result) : success);
      return result;
    } catch (error) {
      this.message(errorText(error), true);
      return undefined;
    }
  }

  message(text, isError = false) {
    const el = document.createElement('div');
    el.className = `message${isError ? ' error' : ''}`;
    el.textContent = text;
    el.addEventListener('click', () => el.remove());
    $('messages').append(el);
    setTimeout(() => el.remove(), isError ? 15000 : 5000);
  }

  async refreshAll() {
    if (!this.client) return;
    const listed = await this.attempt(() => this.client.listAlerts({ states: ['ALERT_STATE_ACTIVE'], pageSize: 100 }));
    if (!listed) return;
    const active = new Set();
    for (const detail of listed.alerts ?? []) {
      active.add(detail.alert.id);
      this.model(detail.alert.id).detail = detail;
    }
    // Alerts seen before that are no longer active: fetch them once more to show how they ended.
    await Promise.all([...this.alerts.keys()].filter((id) => !active.has(id)).map((id) => this.refresh(id)));
    await Promise.all([...active].map((id) => this.refresh(id)));
    await this.loadDevices();
    this.renderAll();
  }

  async loadDevices() {
    const reply = await this.attempt(() => this.client.listDevices());
    this.devices = reply?.devices ?? [];
    this.deviceLayer?.remove();
    this.deviceLayer = L.layerGroup().addTo(this.map);
    for (const d of this.devices) {
      const p = d.position?.location;
      if (!p) continue;
      L.marker([p.latitude, p.longitude], {
        icon: L.divIcon({ className: 'device-marker', html: '<span></span>', iconSize: [14, 14] }),
        title: d.name || d.id,
      }).bindTooltip(d.name || d.id).addTo(this.deviceLayer);
    }
  }

  model(id) {
    let m = this.alerts.get(id);
    if (!m) {
      m = {
        detail: null, recipients: [], responses: [], audit: [], sightings: new Map(), positions: new Map(),
        layer: new AlertLayer(this.map, {
          onConfirmSighting: (alertId, sightingId) => this.confirmSighting(alertId, sightingId),
          describe: {
            alert: (a) => `${label(a.kind)} · ${a.title ?? ''}`,
            confirmLabel: () => t('sighting.confirm'),
          },
        }),
      };
      this.alerts.set(id, m);
    }
    return m;
  }

  // Fetches one alert's detail and recipients (and, when it is shown, the open tab's table).
  async refresh(id) {
    const m = this.model(id);
    try {
      const [detail, recipients] = await Promise.all([this.client.getAlert(id), this.client.recipients(id)]);
      m.detail = detail;
      m.recipients = recipients.recipients ?? [];
      if (id === this.selectedId && this.tab === 'responses') m.responses = (await this.client.responses(id)).responses ?? [];
      if (id === this.selectedId && this.tab === 'audit') m.audit = (await this.client.audit(id)).events ?? [];
    } catch (error) {
      if (error.code === 'ERROR_CODE_NOT_FOUND') {
        m.layer.remove();
        this.alerts.delete(id);
      } else {
        this.message(errorText(error), true);
      }
    }
  }

  // Many feed events arrive in a burst (one delivery per phone): refresh an alert at most every 250 ms.
  scheduleRefresh(id) {
    if (this.refreshTimers.has(id)) return;
    this.refreshTimers.set(id, setTimeout(async () => {
      this.refreshTimers.delete(id);
      await this.refresh(id);
      this.renderAll();
    }, 250));
  }

  onFeedEvent(event) {
    const id = event.alertId;
    if (!id) return;
    const m = this.model(id);
    if (event.responderPosition) {
      const p = event.responderPosition.position?.location;
      if (p && m.detail) {
        const latlng = [p.latitude, p.longitude];
        m.positions.set(event.responderPosition.volunteerId, { latlng, role: event.responderPosition.role });
        m.layer.track(event.responderPosition.volunteerId, latlng);
        this.drawAlert(id);
      }
      return;
    }
    if (event.sighting) {
      m.sightings.set(String(event.sighting.id), event.sighting);
    }
    if (event.alertUpdated && m.detail) m.detail.alert = event.alertUpdated;
    // A neighbouring city's counts (federation): shown at once, before the refresh confirms them.
    if (event.peerCounts?.city && m.detail) {
      m.detail.peerCounts = { ...m.detail.peerCounts, [event.peerCounts.city]: event.peerCounts.counts ?? {} };
    }
    this.scheduleRefresh(id);
    if (m.detail) this.renderAll();
  }

  select(id) {
    this.selectedId = id;
    const m = this.alerts.get(id);
    this.renderAll();
    const bounds = m?.layer.bounds();
    if (bounds?.isValid()) this.map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
    if (this.tab === 'responses' || this.tab === 'audit') this.showTab(this.tab);
  }

  async showTab(tab) {
    this.tab = tab;
    const id = this.selectedId;
    const m = this.alerts.get(id);
    if (m && tab === 'responses') m.responses = (await this.attempt(() => this.client.responses(id)))?.responses ?? [];
    if (m && tab === 'audit') m.audit = (await this.attempt(() => this.client.audit(id)))?.events ?? [];
    if (tab === 'devices') await this.loadDevices();
    this.renderDetail();
  }

  async confirmSighting(alertId, sightingId) {
    const alert = await this.attempt(() => this.client.confirmSighting(alertId, sightingId),
      () => t('sighting.confirmed', { id: sightingId }));
    if (alert) this.scheduleRefresh(alertId);
  }

  async update(id, changes) {
    const m = this.alerts.get(id);
    const alert = await this.attempt(
      () => this.client.updateAlert(id, { ...changes, expectedVersion: m?.detail?.alert.version }),
      () => t('done.updated', { id }));
    if (alert) this.scheduleRefresh(id);
    return alert;
  }

  async close(id, how, text) {
    const work = how === 'cancel'
      ? () => this.client.cancelAlert(id, text)
      : () => this.client.resolveAlert(id, { found: how === 'found', message: text });
    const alert = await this.attempt(work, () => t('done.closed', { id }));
    if (alert) {
      await this.refresh(id);
      this.renderAll();
    }
  }

  drawAlert(id) {
    const m = this.alerts.get(id);
    if (m?.detail) m.layer.draw(m, { selected: id === this.selectedId });
  }

  renderAll() {
    translatePage();
    this.createForm.translate();
    for (const id of this.alerts.keys()) this.drawAlert(id);
    this.renderList();
    this.renderDetail();
  }

  renderList() {
    const list = $('alert-list');
    list.replaceChildren();
    const models = [...this.alerts.values()].filter((m) => m.detail)
      .sort((a, b) => String(b.detail.alert.createdAt).localeCompare(String(a.detail.alert.createdAt)));
    if (!models.length) {
      const li = document.createElement('li');
      li.className = 'empty closed';
      li.textContent = t('alerts.none');
      list.append(li);
    }
    for (const m of models) {
      const a = m.detail.alert;
      const li = document.createElement('li');
      li.dataset.alertId = a.id;
      li.className = `${a.state === 'ALERT_STATE_ACTIVE' ? 'active' : 'closed'}${a.id === this.selectedId ? ' selected' : ''}`;
      const title = document.createElement('div');
      title.className = 'title';
      title.textContent = `${label(a.kind)} · ${a.title ?? ''}`;
      const meta = document.createElement('div');
      meta.className = 'meta';
      const counts = m.detail.counts ?? {};
      meta.textContent = `${a.id} · ${label(a.state)} · ${t('alert.counts', zeros(counts))}`;
      li.append(title, meta);
      li.addEventListener('click', () => this.select(a.id));
      list.append(li);
    }
  }

  renderDetail() {
    const m = this.alerts.get(this.selectedId);
    const panel = $('detail');
    if (!m?.detail && this.tab !== 'devices') {
      panel.hidden = true;
      return;
    }
    panel.hidden = false;
    renderDetail(panel, this, m);
  }
}

function zeros(counts) {
  const out = {};
  for (const k of ['notified', 'acked', 'accepted', 'declined', 'sightings']) out[k] = counts[k] ?? 0;
  return out;
}

function subjectOf(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.sub ?? '';
  } catch {
    return '';
  }
}

export { recipientState, STATE_COLOURS, distanceText, timeText };

const app = new Console();
// For the browser tests and for poking at the console from devtools.
window.yihuConsole = app;
app.start();
