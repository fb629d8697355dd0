// Raising an alert by clicking the map: "New alert", click the centre, fill the form; the area is the kind's
// default (growing rings), a circle of a given radius, or a polygon drawn by clicking its corners.
import { label, t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class CreateForm {
  constructor(app) {
    this.app = app;
    this.mode = 'idle';  // idle | centre | form | polygon
    this.preview = L.layerGroup().addTo(app.map);
    this.corners = [];
    this.form = $('create-form');
    $('new-alert').addEventListener('click', () => this.begin());
    $('create-cancel').addEventListener('click', () => this.end());
    $('finish-polygon').addEventListener('click', () => this.finishPolygon());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.mode !== 'idle') this.end();
    });
    app.map.on('click', (e) => this.onMapClick(e.latlng));
    this.form.addEventListener('input', () => this.drawPreview());
    this.form.addEventListener('change', (e) => {
      if (e.target.name === 'areaKind') this.onAreaKind(e.target.value);
    });
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  // The kind names in the current language.
  translate() {
    for (const option of this.form.kind.options) option.textContent = label(option.value);
  }

  begin() {
    this.mode = 'centre';
    this.corners = [];
    this.form.reset();
    this.hint('alerts.clickMap');
    $('create-panel').hidden = true;
    this.app.map.getContainer().style.cursor = 'crosshair';
    this.drawPreview();
  }

  end() {
    this.mode = 'idle';
    this.corners = [];
    this.preview.clearLayers();
    $('create-panel').hidden = true;
    $('finish-polygon').hidden = true;
    this.hint(null);
    this.app.map.getContainer().style.cursor = '';
  }

  hint(key) {
    const hint = $('hint');
    hint.hidden = !key;
    hint.className = key ? 'hint active' : 'hint';
    if (key) {
      hint.dataset.i18n = key;
      hint.textContent = t(key);
    }
  }

  onMapClick(latlng) {
    if (this.mode === 'centre') {
      this.form.latitude.value = latlng.lat.toFixed(6);
      this.form.longitude.value = latlng.lng.toFixed(6);
      this.mode = 'form';
      this.hint(null);
      this.app.map.getContainer().style.cursor = '';
      $('create-panel').hidden = false;
      this.form.title.focus();
    } else if (this.mode === 'polygon') {
      this.corners.push([latlng.lat, latlng.lng]);
      $('polygon-count').textContent = `(${this.corners.length})`;
    }
    this.drawPreview();
  }

  onAreaKind(kind) {
    const drawing = kind === 'polygon';
    this.mode = drawing ? 'polygon' : 'form';
    $('finish-polygon').hidden = !drawing;
    if (drawing) {
      this.corners = [];
      $('polygon-count').textContent = '(0)';
      this.hint('alerts.drawPolygon');
      this.app.map.getContainer().style.cursor = 'crosshair';
    } else {
      this.hint(null);
      this.app.map.getContainer().style.cursor = '';
    }
    this.drawPreview();
  }

  finishPolygon() {
    this.mode = 'form';
    $('finish-polygon').hidden = true;
    this.hint(null);
    this.app.map.getContainer().style.cursor = '';
    this.drawPreview();
  }

  centre() {
    const lat = Number(this.form.latitude.value);
    const lon = Number(this.form.longitude.value);
    return this.form.latitude.value === '' || Number.isNaN(lat) || Number.isNaN(lon) ? null : [lat, lon];
  }

  drawPreview() {
    this.preview.clearLayers();
    const centre = this.centre();
    if (this.mode === 'idle' || !centre) return;
    L.circleMarker(centre, { radius: 8, color: '#c62828', dashArray: '3 3', className: 'create-centre' }).addTo(this.preview);
    const area = this.form.areaKind.value;
    if (area === 'circle' && Number(this.form.radiusM.value) > 0) {
      L.circle(centre, { radius: Number(this.form.radiusM.value), color: '#c62828', dashArray: '6 4', fillOpacity: 0.05 })
        .addTo(this.preview);
    }
    if (area === 'polygon' && this.corners.length) {
      L.polygon(this.corners, { color: '#c62828', dashArray: '6 4', fillOpacity: 0.05 }).addTo(this.preview);
    }
  }

  async submit() {
    const f = this.form;
    const centre = this.centre();
    const request = {
      kind: f.kind.value,
      center: centre ? { latitude: centre[0], longitude: centre[1] } : undefined,
      title: f.title.value,
      respondersWanted: Number(f.respondersWanted.value || 0),
      idempotencyKey: randomKey(),
    };
    if (f.description.value) request.description = f.description.value;
    if (f.photoUrl.value) request.photoUrl = f.photoUrl.value;
    if (f.overAlertFactor.value) request.policy = { overAlertFactor: Number(f.overAlertFactor.value) };
    const area = f.areaKind.value;
    if (area === 'circle' && f.radiusM.value) {
      request.area = { circle: { center: request.center, radiusM: Number(f.radiusM.value) } };
    }
    if (area === 'polygon') {
      // The API wants a closed ring (first == last); the server says what is wrong with fewer than 3 corners.
      const ring = this.corners.map(([latitude, longitude]) => ({ latitude, longitude }));
      if (ring.length) ring.push(ring[0]);
      request.area = { polygon: { ring } };
    }
    const alert = await this.app.attempt(() => this.app.client.createAlert(request), (a) => t('done.created', { id: a.id }));
    if (!alert) return;
    this.end();
    await this.app.refresh(alert.id);
    this.app.select(alert.id);
  }
}

// An idempotency key, so that a retried click never raises a second alert. crypto.randomUUID needs a secure context,
// which a control room's plain-http address is not.
function randomKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
