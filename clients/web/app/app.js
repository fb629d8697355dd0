// The volunteer's web app (docs/console.md): a phone-sized page speaking the JSON encoding over WebSocket through
// the client library. Resume state (last seq, epoch), the alerts shown and a manual pin live in localStorage.
import { LocalStorageResumeStore, VolunteerSession } from '/lib/index.js';

import { createBaseMap, loadWebConfig } from '/console/base_map.js';
import { distanceText, errorText, label, lang, setLang, t, timeText } from '/console/i18n.js';

const $ = (id) => document.getElementById(id);

class VolunteerApp {
  constructor() {
    this.alerts = new Map();  // alertId -> {push, status: '' | accepted | declined, role, notice, closed}
    this.session = null;
    this.subject = '';
    this.watchId = null;
  }

  async start() {
    setLang(lang());
    $('lang').addEventListener('click', () => {
      setLang(lang() === 'zh' ? 'en' : 'zh');
      this.render();
      this.showPosition();
    });
    $('signin-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission();
      this.signIn(new FormData(e.target).get('token').trim());
    });
    for (const button of document.querySelectorAll('[data-availability]')) {
      button.addEventListener('click', () => this.setAvailability(button.dataset.availability));
    }
    this.config = await loadWebConfig();
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get('token') ?? localStorage.getItem('yihu.volunteerToken');
    if (fragment.has('token')) history.replaceState(null, '', location.pathname);
    if (token) await this.signIn(token);
    else $('signin').hidden = false;
  }

  key(name) {
    return `yihu.${name}.${this.subject}`;
  }

  async signIn(token) {
    this.subject = subjectOf(token);
    this.loadSaved();
    const saved = JSON.parse(localStorage.getItem(this.key('pin')) ?? 'null');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const session = new VolunteerSession({
      url: `${scheme}://${location.host}/v1/volunteer`,
      token,
      encoding: 'json',
      resumeStore: new LocalStorageResumeStore(this.key('resume')),
      availability: localStorage.getItem(this.key('availability')) ?? 'AVAILABILITY_ON_DUTY',
      position: saved ? { location: { latitude: saved[0], longitude: saved[1] }, accuracyM: 10 } : null,
    });
    this.session?.close();
    this.session = session;
    session.on('stateChange', (state) => {
      const el = $('connection');
      el.className = `connection state-${state}`;
      el.dataset.i18n = `app.connection.${state}`;
      el.textContent = t(`app.connection.${state}`);
    });
    session.on('reset', () => {
      this.alerts.clear();
      this.save();
      this.render();
    });
    session.on('alert', (push) => this.onAlert(push));
    session.on('alertUpdate', (push) => this.onUpdate(push));
    session.on('standDown', (push) => this.mark(push.alertId, { notice: t('app.standDown', { reason: push.reason ?? '' }) }));
    session.on('alertClosed', (push) => this.mark(push.alertId, {
      closed: true, notice: t('app.closed', { message: push.message || label(push.finalState) }) }));
    session.on('error', (error) => this.message(errorText(error), true));
    session.on('terminal', (error) => {
      localStorage.removeItem('yihu.volunteerToken');
      $('signin').hidden = false;
      $('signin-error').hidden = false;
      $('signin-error').textContent = errorText(error);
    });
    try {
      await session.connect();
    } catch (error) {
      $('signin').hidden = false;
      $('signin-error').hidden = false;
      $('signin-error').textContent = errorText(error);
      return;
    }
    localStorage.setItem('yihu.volunteerToken', token);
    $('signin').hidden = true;
    this.markAvailability(session.availability);
    this.startPosition(saved);
    this.render();
  }

  loadSaved() {
    try {
      for (const [id, entry] of JSON.parse(localStorage.getItem(this.key('alerts')) ?? '[]')) this.alerts.set(id, entry);
    } catch {
      this.alerts.clear();
    }
  }

  save() {
    localStorage.setItem(this.key('alerts'), JSON.stringify([...this.alerts]));
  }

  message(text, isError = false) {
    const el = document.createElement('div');
    el.className = `message${isError ? ' error' : ''}`;
    el.textContent = text;
    $('messages').append(el);
    setTimeout(() => el.remove(), isError ? 10000 : 4000);
  }

  async setAvailability(availability) {
    try {
      await this.session.setAvailability(availability);
      localStorage.setItem(this.key('availability'), availability);
      this.markAvailability(availability);
    } catch (error) {
      this.message(errorText(error), true);
    }
  }

  markAvailability(availability) {
    for (const b of document.querySelectorAll('[data-availability]')) b.classList.toggle('on', b.dataset.availability === availability);
  }

  // The browser's location when it is granted; a tap on the small map sets a manual pin instead (and wins).
  startPosition(saved) {
    this.pinMap = this.pinMap ?? createBaseMap($('pin-map'), { tileUrl: this.config.tileUrl, center: saved ?? [22.93, 113.89], zoom: 14 });
    this.pinMap.on('click', (e) => this.setPosition(e.latlng.lat, e.latlng.lng, { manual: true }));
    if (saved) this.setPosition(saved[0], saved[1], { manual: true });
    else if (navigator.geolocation) {
      this.watchId = navigator.geolocation.watchPosition(
        (p) => this.setPosition(p.coords.latitude, p.coords.longitude, { accuracy: p.coords.accuracy }),
        () => {}, { enableHighAccuracy: true, maximumAge: 10000 });
    }
  }

  setPosition(lat, lon, { manual = false, accuracy = 10 } = {}) {
    if (manual) {
      if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
      this.watchId = null;
      localStorage.setItem(this.key('pin'), JSON.stringify([lat, lon]));
    }
    this.manual = manual;
    this.accuracy = accuracy;
    this.session.updatePosition(lat, lon, Math.max(1, Math.round(accuracy)));
    this.me = [lat, lon];
    this.meMarker?.remove();
    this.meMarker = L.marker(this.me, { icon: L.divIcon({ className: 'me-dot', iconSize: [14, 14] }), title: t('me') }).addTo(this.pinMap);
    this.showPosition();
  }

  showPosition() {
    const el = $('position-text');
    if (!this.me) return;
    const values = { lat: this.me[0].toFixed(5), lon: this.me[1].toFixed(5), acc: Math.round(this.accuracy ?? 10) };
    el.dataset.i18n = '';
    el.textContent = t(this.manual ? 'app.positionManual' : 'app.positionGps', values);
  }

  onAlert(push) {
    const entry = this.alerts.get(push.alertId) ?? { status: '', role: '', notice: '', closed: false };
    entry.push = push;
    this.alerts.set(push.alertId, entry);
    this.save();
    this.render();
    if (document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      new Notification(t('app.notify'), { body: `${label(push.alert?.kind)} · ${push.alert?.title ?? ''}`, tag: push.alertId });
    }
  }

  onUpdate(push) {
    const entry = this.alerts.get(push.alertId);
    if (!entry) return;
    entry.push = { ...entry.push, alert: push.alert ?? entry.push.alert, distanceM: push.distanceM ?? entry.push.distanceM };
    if (push.role) entry.role = push.role;
    this.save();
    this.render();
  }

  mark(alertId, changes) {
    const entry = this.alerts.get(alertId);
    if (!entry) return;
    Object.assign(entry, changes);
    this.save();
    this.render();
  }

  async respond(alertId, accept) {
    try {
      const ok = accept ? await this.session.accept(alertId) : await this.session.decline(alertId);
      this.mark(alertId, { status: accept ? 'accepted' : 'declined', role: ok.role ?? '' });
    } catch (error) {
      this.message(errorText(error), true);
    }
  }

  async sighting(alertId, text) {
    try {
      const id = await this.session.reportSighting({ alertId, text });
      this.message(t('app.sightingSent', { id }));
      return true;
    } catch (error) {
      this.message(errorText(error), true);
      return false;
    }
  }

  render() {
    const container = $('alerts');
    for (const card of container.querySelectorAll('.alert-card')) {
      card.cardMap?.remove();
      card.remove();
    }
    const entries = [...this.alerts.values()].filter((e) => e.push).reverse();
    $('no-alerts').hidden = entries.length > 0;
    for (const entry of entries) container.append(this.card(entry));
  }

  card(entry) {
    const { push } = entry;
    const a = push.alert ?? {};
    const card = document.createElement('article');
    card.className = `alert-card${entry.closed ? ' closed' : ''}`;
    card.dataset.alertId = push.alertId;
    const kind = document.createElement('div');
    kind.className = 'kind';
    kind.textContent = `${label(a.kind)} · ${timeText(a.createdAt)}`;
    const title = document.createElement('h2');
    title.textContent = a.title ?? push.alertId;
    const distance = document.createElement('div');
    distance.className = 'distance';
    distance.textContent = t('app.distance', { d: distanceText(push.distanceM) });
    card.append(kind, title, distance);
    for (const text of [a.description, a.instruction]) {
      if (!text) continue;
      const p = document.createElement('p');
      p.textContent = text;
      card.append(p);
    }
    const mapEl = document.createElement('div');
    mapEl.className = 'map';
    card.append(mapEl);
    if (entry.status) {
      const status = document.createElement('div');
      status.className = 'status';
      status.textContent = entry.status === 'accepted' ? t('app.accepted', { role: entry.role || '-' }) : t('app.declined');
      card.append(status);
    }
    if (entry.notice) {
      const notice = document.createElement('div');
      notice.className = 'notice';
      notice.textContent = entry.notice;
      card.append(notice);
    }
    if (!entry.closed) {
      const buttons = document.createElement('div');
      buttons.className = 'buttons';
      if (!entry.status && push.responseRequested !== false && !entry.notice) {
        buttons.append(button(t('app.accept'), 'accept', () => this.respond(push.alertId, true)),
          button(t('app.decline'), 'decline', () => this.respond(push.alertId, false)));
      }
      const form = document.createElement('form');
      form.className = 'sighting-form';
      form.hidden = true;
      const text = document.createElement('textarea');
      text.rows = 2;
      text.placeholder = t('app.sightingText');
      form.append(text, button(t('app.sighting'), 'send-sighting', null, 'submit'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (await this.sighting(push.alertId, text.value)) form.hidden = true;
      });
      buttons.append(button(t('app.sighting'), 'sighting', () => { form.hidden = !form.hidden; }));
      card.append(buttons, form);
    }
    // The small map: the alert's centre and me.
    queueMicrotask(() => {
      const c = a.center;
      if (!c) return;
      const map = createBaseMap(mapEl, { tileUrl: this.config.tileUrl, center: [c.latitude, c.longitude], zoom: 14, animate: false });
      map.attributionControl?.remove();
      L.marker([c.latitude, c.longitude], { icon: L.divIcon({ className: 'alert-dot', html: '<span>!</span>', iconSize: [20, 20] }) }).addTo(map);
      if (this.me) {
        L.marker(this.me, { icon: L.divIcon({ className: 'me-dot', iconSize: [14, 14] }) }).addTo(map);
        map.fitBounds(L.latLngBounds([[c.latitude, c.longitude], this.me]).pad(0.4), { maxZoom: 16, animate: false });
      }
      card.cardMap = map;
    });
    return card;
  }
}

function button(text, action, onClick, type = 'button') {
  const b = document.createElement('button');
  b.type = type;
  b.textContent = text;
  b.dataset.action = action;
  if (action === 'accept') b.className = 'accept';
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

function subjectOf(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const app = new VolunteerApp();
// For the browser tests and for devtools.
window.yihuApp = app;
app.start();
