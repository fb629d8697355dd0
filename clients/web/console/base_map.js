// The map under the console and the app. With a tile URL from the node (/console/config.json, `[web] tile_url`) it
// shows that city's tiles; with none it draws a plain background with a latitude/longitude grid, so the page works in
// a control room without internet. Both get a scale. Leaflet is the global `L` (/vendor/leaflet/leaflet.js).

export async function loadWebConfig() {
  try {
    const reply = await fetch('/console/config.json', { cache: 'no-cache' });
    return reply.ok ? await reply.json() : { tileUrl: '' };
  } catch {
    return { tileUrl: '' };
  }
}

// `animate: false` for maps that may be removed at any moment (the app's cards are redrawn on every push): a map
// removed during a zoom animation throws from Leaflet's animation frame.
export function createBaseMap(element, { tileUrl = '', center = [22.93, 113.89], zoom = 14, animate = true } = {}) {
  const map = L.map(element, {
    center, zoom, zoomControl: true, attributionControl: Boolean(tileUrl),
    zoomAnimation: animate, fadeAnimation: animate, markerZoomAnimation: animate,
  });
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
  } else {
    element.classList.add('plain-map');
    graticule(map);
  }
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  return map;
}

// Grid spacings in degrees, finest first; the grid uses the first giving lines at least ~80 px apart.
const kSteps = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20];

function graticule(map) {
  const layer = L.layerGroup().addTo(map);
  const draw = () => {
    layer.clearLayers();
    const bounds = map.getBounds();
    const pxPerDegree = map.getSize().x / Math.max(1e-9, bounds.getEast() - bounds.getWest());
    const step = kSteps.find((s) => s * pxPerDegree >= 80) ?? 20;
    const digits = Math.max(0, Math.ceil(-Math.log10(step)));
    const style = { color: '#9fb3c8', weight: 1, opacity: 0.7, interactive: false };
    const south = Math.max(-90, bounds.getSouth() - step);
    const north = Math.min(90, bounds.getNorth() + step);
    for (let lon = Math.floor(bounds.getWest() / step) * step; lon <= bounds.getEast() + step; lon += step) {
      L.polyline([[south, lon], [north, lon]], style).addTo(layer);
      label(layer, [bounds.getSouth(), lon], `${lon.toFixed(digits)}°E`, 'grid-label grid-label-lon');
    }
    for (let lat = Math.floor(south / step) * step; lat <= north; lat += step) {
      L.polyline([[lat, bounds.getWest() - step], [lat, bounds.getEast() + step]], style).addTo(layer);
      label(layer, [lat, bounds.getWest()], `${lat.toFixed(digits)}°N`, 'grid-label grid-label-lat');
    }
  };
  map.on('moveend zoomend resize', draw);
  draw();
}

function label(layer, latlng, text, className) {
  L.marker(latlng, {
    interactive: false,
    keyboard: false,
    icon: L.divIcon({ className, html: text, iconSize: null }),
  }).addTo(layer);
}
