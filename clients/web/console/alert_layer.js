// One alert on the map: its area (polygon, or the circle it has reached) and policy rings, its centre, its
// recipients as dots coloured by state, accepted responders at their live positions with a short trail, and
// sightings as pins. Recipients whose position the console is not told (all but accepted responders: positions are
// personal data) are drawn at their true distance from the centre, at a bearing derived from their id.

export const STATE_COLOURS = {
  notified: '#9aa5b1',
  delivered: '#4098d7',
  acknowledged: '#2680c2',
  accepted: '#27ab83',
  declined: '#e12d39',
  stoodDown: '#7b8794',
};

export function recipientState(r) {
  const k = r.response;
  if (k === 'RESPONSE_KIND_ACCEPT' || k === 'RESPONSE_KIND_ON_SCENE' || k === 'RESPONSE_KIND_DONE') return 'accepted';
  if (k === 'RESPONSE_KIND_DECLINE' || k === 'RESPONSE_KIND_WITHDRAW') return 'declined';
  if (r.stoodDown) return 'stoodDown';
  if (r.ackedAt) return 'acknowledged';
  if (r.deliveredAt) return 'delivered';
  return 'notified';
}

const kEarthRadiusM = 6371008.8;
const kTrailPoints = 20;

// The point `distanceM` from `center` at `bearingDeg` (great circle).
export function offset(center, distanceM, bearingDeg) {
  const d = distanceM / kEarthRadiusM;
  const b = (bearingDeg * Math.PI) / 180;
  const lat1 = (center.latitude * Math.PI) / 180;
  const lon1 = (center.longitude * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return [(lat2 * 180) / Math.PI, (lon2 * 180) / Math.PI];
}

function bearingOf(id) {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h % 360;
}

export class AlertLayer {
  constructor(map, { onConfirmSighting, describe }) {
    this.map = map;
    this.group = L.layerGroup().addTo(map);
    this.onConfirmSighting = onConfirmSighting;
    this.describe = describe;  // (alert) -> popup text of the centre
    this.trails = new Map();   // volunteerId -> [[lat, lon], ...]
  }

  remove() {
    this.group.remove();
  }

  bounds() {
    const layers = this.group.getLayers().filter((l) => l.getBounds || l.getLatLng);
    if (!layers.length) return null;
    return L.featureGroup(layers).getBounds();
  }

  // Remembers where an accepted responder was, for the trail.
  track(volunteerId, latlng) {
    const trail = this.trails.get(volunteerId) ?? [];
    const last = trail[trail.length - 1];
    if (!last || last[0] !== latlng[0] || last[1] !== latlng[1]) trail.push(latlng);
    if (trail.length > kTrailPoints) trail.shift();
    this.trails.set(volunteerId, trail);
  }

  // Redraws everything from the model: {detail, recipients, positions (volunteerId -> {latlng, role}), sightings}.
  draw(model, { selected = false } = {}) {
    const alert = model.detail.alert;
    const active = alert.state === 'ALERT_STATE_ACTIVE';
    const colour = active ? '#d64545' : '#7b8794';
    const center = alert.center ?? { latitude: 0, longitude: 0 };
    this.group.clearLayers();

    if (alert.area?.polygon?.ring?.length) {
      const ring = alert.area.polygon.ring.map((p) => [p.latitude, p.longitude]);
      L.polygon(ring, { color: colour, weight: selected ? 3 : 2, fillOpacity: 0.08, className: 'alert-area' })
        .addTo(this.group);
    } else {
      const radius = Number(alert.currentRadiusM ?? alert.area?.circle?.radiusM ?? 0);
      if (radius > 0) {
        L.circle([center.latitude, center.longitude], {
          radius, color: colour, weight: selected ? 3 : 2, fillOpacity: 0.06, className: 'alert-area',
        }).addTo(this.group);
      }
      for (const ring of alert.policy?.rings ?? []) {
        const r = Number(ring.radiusM ?? 0);
        if (r > 0 && Math.abs(r - radius) > 1) {
          L.circle([center.latitude, center.longitude], {
            radius: r, color: colour, weight: 1, dashArray: '6 6', fill: false, interactive: false,
            className: 'alert-ring',
          }).addTo(this.group);
        }
      }
    }

    for (const r of model.recipients) {
      const state = recipientState(r);
      const live = model.positions.get(r.volunteerId);
      const latlng = live?.latlng ?? offset(center, Number(r.distanceM ?? 0), bearingOf(r.volunteerId));
      if (live && state === 'accepted') {
        const trail = this.trails.get(r.volunteerId);
        if (trail?.length > 1) {
          L.polyline(trail, { color: STATE_COLOURS.accepted, weight: 2, opacity: 0.6, interactive: false })
            .addTo(this.group);
        }
        L.marker(latlng, {
          icon: L.divIcon({
            className: 'responder-marker',
            html: `<span class="responder-dot"></span><span class="responder-label">${escapeHtml(r.volunteerId)}</span>`,
            iconSize: null,
          }),
          title: r.volunteerId,
        }).addTo(this.group);
        continue;
      }
      L.circleMarker(latlng, {
        radius: state === 'accepted' ? 7 : 5,
        color: '#ffffff', weight: 1, fillColor: STATE_COLOURS[state], fillOpacity: 0.95,
        className: `recipient-dot state-${state}${live ? ' live' : ''}`,
      }).bindTooltip(`${r.volunteerId} · ${state}`).addTo(this.group);
    }

    for (const s of model.sightings.values()) {
      const p = s.position?.location;
      if (!p) continue;
      const marker = L.marker([p.latitude, p.longitude], {
        icon: L.divIcon({ className: 'sighting-pin', html: '<span>!</span>', iconSize: [22, 22], iconAnchor: [11, 22] }),
        title: s.text ?? '',
      }).addTo(this.group);
      const popup = document.createElement('div');
      popup.className = 'sighting-popup';
      const text = document.createElement('p');
      text.textContent = `#${s.id} ${s.text ?? ''} (${s.reporterId ?? ''})`;
      popup.append(text);
      if (active) {
        const button = document.createElement('button');
        button.textContent = this.describe.confirmLabel();
        button.addEventListener('click', () => this.onConfirmSighting(alert.id, s.id));
        popup.append(button);
      }
      marker.bindPopup(popup);
    }

    L.marker([center.latitude, center.longitude], {
      icon: L.divIcon({ className: `alert-centre ${active ? 'active' : 'closed'}`, html: '<span>+</span>', iconSize: [26, 26] }),
      title: alert.title,
      zIndexOffset: 1000,
    }).bindTooltip(this.describe.alert(alert)).addTo(this.group);
  }
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
