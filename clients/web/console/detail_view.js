// The selected alert's panel: summary, update form, resolve/cancel box, and the tables (recipients, responses,
// sightings, audit trail, devices). The forms are built once per alert and language, so live updates, which redraw
// only the summary and the table, never wipe what the dispatcher is typing.
import { recipientState, STATE_COLOURS } from './alert_layer.js';
import { distanceText, label, lang, t, timeText } from './i18n.js';

const kTabs = ['recipients', 'responses', 'sightings', 'audit', 'devices'];

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function renderDetail(panel, app, m) {
  const key = `${m?.detail?.alert.id ?? ''}|${lang()}`;
  if (panel.dataset.key !== key) build(panel, app, m, key);
  if (m?.detail) fillSummary(panel.querySelector('.summary'), m);
  const active = m?.detail?.alert.state === 'ALERT_STATE_ACTIVE';
  panel.querySelector('.actions').hidden = !active;
  for (const button of panel.querySelectorAll('.tabs button')) button.classList.toggle('on', button.dataset.tab === app.tab);
  const table = panel.querySelector('.table');
  table.replaceChildren(tableFor(app, m));
}

function build(panel, app, m, key) {
  panel.dataset.key = key;
  panel.replaceChildren();
  const summary = el('div', { className: 'summary' });
  const actions = el('div', { className: 'actions' });
  if (m?.detail) {
    const a = m.detail.alert;
    const editForm = el('form', { className: 'form edit-form', hidden: true },
      el('label', {}, t('alert.title'), el('input', { name: 'title', value: a.title ?? '' })),
      el('label', {}, t('alert.description'), el('textarea', { name: 'description', rows: 2, value: a.description ?? '' })),
      el('label', {}, t('alert.photoUrl'), el('input', { name: 'photoUrl', type: 'url', value: a.photoUrl ?? '' })),
      el('label', {}, t('alert.wanted'),
        el('input', { name: 'respondersWanted', type: 'number', min: 1, value: a.respondersWanted ?? 1 })),
      el('div', { className: 'buttons' }, el('button', { type: 'submit', className: 'primary', textContent: t('alert.save') })));
    editForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const current = app.alerts.get(a.id)?.detail?.alert ?? a;
      const data = new FormData(editForm);
      const changes = {};
      for (const field of ['title', 'description', 'photoUrl']) {
        if (data.get(field) !== (current[field] ?? '')) changes[field] = data.get(field);
      }
      const wanted = Number(data.get('respondersWanted'));
      if (wanted !== Number(current.respondersWanted ?? 0)) changes.respondersWanted = wanted;
      if (await app.update(a.id, changes)) editForm.hidden = true;
    });
    const closeText = el('textarea', { name: 'closeText', rows: 2, placeholder: t('alert.closeMessage') });
    const closeBox = el('div', { className: 'close-box' }, closeText,
      el('div', { className: 'buttons' },
        el('button', { type: 'button', className: 'good', dataset: { action: 'found' }, textContent: t('alert.resolveFound'),
          onclick: () => app.close(a.id, 'found', closeText.value) }),
        el('button', { type: 'button', dataset: { action: 'resolve' }, textContent: t('alert.resolve'),
          onclick: () => app.close(a.id, 'resolve', closeText.value) }),
        el('button', { type: 'button', dataset: { action: 'cancel' }, textContent: t('alert.cancel'),
          onclick: () => app.close(a.id, 'cancel', closeText.value) })));
    actions.append(
      el('div', { className: 'buttons' }, el('button', { type: 'button', dataset: { action: 'edit' }, textContent: t('alert.update'),
        onclick: () => { editForm.hidden = !editForm.hidden; } })),
      editForm, closeBox);
  }
  const tabs = el('div', { className: 'tabs' }, ...kTabs.map((tab) => el('button', {
    type: 'button', dataset: { tab }, textContent: t(`tab.${tab}`), onclick: () => app.showTab(tab),
  })));
  panel.append(summary, actions, tabs, el('div', { className: 'table' }));
}

function fillSummary(summary, m) {
  const a = m.detail.alert;
  const active = a.state === 'ALERT_STATE_ACTIVE';
  const counts = m.detail.counts ?? {};
  const legend = el('div', { className: 'legend' }, ...Object.entries(STATE_COLOURS).map(([state, colour]) =>
    el('span', { className: 'chip', style: `background:${colour}`, textContent: t(`state.${state}`) })));
  summary.replaceChildren(...[
    el('h3', {}, `${label(a.kind)} · ${a.title ?? ''} `,
      el('span', { className: `state${active ? '' : ' closed'}`, textContent: label(a.state) })),
    el('div', { className: 'counts' }, [a.id, t('alert.version', { v: a.version }),
      t('alert.created', { t: timeText(a.createdAt) }),
      a.area?.polygon ? null : t('alert.radiusNow', { r: distanceText(a.currentRadiusM) })].filter(Boolean).join(' · ')),
    el('div', { className: 'counts', dataset: { counts: '' } }, t('alert.counts', {
      notified: counts.notified ?? 0, acked: counts.acked ?? 0, accepted: counts.accepted ?? 0,
      declined: counts.declined ?? 0, sightings: counts.sightings ?? 0 })),
    // Neighbouring cities' counts, once federation forwards alerts (AlertDetail.peerCounts); absent until then.
    ...Object.entries(m.detail.peerCounts ?? {}).map(([peer, c]) => el('div', { className: 'counts', dataset: { peer } },
      `${t('alert.peer', { peer })}: ${t('alert.counts', {
        notified: c.notified ?? 0, acked: c.acked ?? 0, accepted: c.accepted ?? 0, declined: c.declined ?? 0,
        sightings: c.sightings ?? 0 })}`)),
    a.description ? el('p', { textContent: a.description }) : null,
    a.photoUrl ? el('a', { href: a.photoUrl, target: '_blank', rel: 'noopener', textContent: a.photoUrl }) : null,
    a.closingNote ? el('p', { className: 'muted', textContent: a.closingNote }) : null,
    legend,
    el('p', { className: 'hint', textContent: t('legend.position') }),
  ].filter(Boolean));
}

function table(headers, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { textContent: t(h) })))),
    el('tbody', {}, ...rows));
}

function tableFor(app, m) {
  const tab = app.tab;
  if (tab === 'devices') return devicesTable(app);
  if (!m?.detail) return el('span');
  if (tab === 'recipients') {
    const rows = [...m.recipients].sort((x, y) => Number(x.distanceM ?? 0) - Number(y.distanceM ?? 0)).map((r) => {
      const state = recipientState(r);
      return el('tr', { dataset: { volunteer: r.volunteerId, state } },
        el('td', { textContent: r.volunteerId }),
        el('td', { textContent: distanceText(r.distanceM) }),
        el('td', {}, el('span', { className: 'chip', style: `background:${STATE_COLOURS[state]}`, textContent: t(`state.${state}`) })),
        el('td', { textContent: r.role ?? '' }),
        el('td', { textContent: timeText(r.respondedAt ?? r.ackedAt ?? r.deliveredAt) }));
    });
    return table(['col.volunteer', 'col.distance', 'col.state', 'col.role', 'col.time'], rows);
  }
  if (tab === 'responses') {
    return table(['col.time', 'col.volunteer', 'col.response', 'col.role'], m.responses.map((r) => el('tr', {},
      el('td', { textContent: timeText(r.at) }), el('td', { textContent: r.volunteerId }),
      el('td', { textContent: label(r.kind) }), el('td', { textContent: r.role ?? '' }))));
  }
  if (tab === 'sightings') {
    if (!m.sightings.size) return el('p', { className: 'hint', textContent: t('sightings.none') });
    const active = m.detail.alert.state === 'ALERT_STATE_ACTIVE';
    return table(['col.time', 'col.volunteer', 'col.text', 'col.position'], [...m.sightings.values()].map((s) => el('tr',
      { dataset: { sighting: s.id } },
      el('td', { textContent: timeText(s.at) }), el('td', { textContent: s.reporterId ?? '' }),
      el('td', { textContent: `#${s.id} ${s.text ?? ''}` }),
      el('td', {}, active ? el('button', { type: 'button', textContent: t('sighting.confirm'),
        onclick: () => app.confirmSighting(m.detail.alert.id, s.id) }) : ''))));
  }
  return table(['col.time', 'col.event', 'col.volunteer', 'col.detail'], m.audit.map((e) => el('tr', {},
    el('td', { textContent: timeText(e.at) }), el('td', { textContent: label(e.kind) }),
    el('td', { textContent: e.volunteerId ?? e.actor ?? '' }),
    el('td', { textContent: [e.reason, ...Object.entries(e.details ?? {}).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(' ') }))));
}

function devicesTable(app) {
  if (!app.devices.length) return el('p', { className: 'hint', textContent: t('devices.none') });
  // The last trigger of a device is the newest alert it raised that the console knows (an alert raised by a device
  // names it as its creator, "device:<id>").
  const last = new Map();
  for (const m of app.alerts.values()) {
    const a = m.detail?.alert;
    if (!a?.createdBy?.startsWith('device:')) continue;
    const id = a.createdBy.slice('device:'.length);
    if (!last.has(id) || String(a.createdAt) > String(last.get(id).createdAt)) last.set(id, a);
  }
  return table(['col.name', 'col.position', 'col.lastTrigger'], app.devices.map((d) => {
    const p = d.position?.location;
    const a = last.get(d.id);
    return el('tr', { dataset: { device: d.id } },
      el('td', { textContent: `${d.name || d.id} (${d.id})` }),
      el('td', { textContent: p ? `${p.latitude.toFixed(5)}, ${p.longitude.toFixed(5)}` : '' }),
      el('td', { textContent: a ? `${timeText(a.createdAt)} ${a.id}` : t('never') }));
  }));
}
