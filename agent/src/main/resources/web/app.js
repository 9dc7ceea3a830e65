'use strict';
// The Capstan page: units, and per unit its drift, release history, incidents and hold, with rollback and resume
// for roles that may act. Reads the JSON API; no framework, no build step. Everything that comes from git or the
// cluster (commit messages, object names, errors) is put in the page as text, never as HTML.

const text = (value) => document.createTextNode(value == null ? '' : String(value));
const ACT_ROLES = ['deployer', 'admin', 'open'];
let role = 'viewer';

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.appendChild(c instanceof Node ? c : text(c));
  return node;
}

function cell(row, value, cls) {
  const td = el('td', cls ? {class: cls} : {});
  td.appendChild(value instanceof Node ? value : text(value));
  row.appendChild(td);
  return td;
}

const when = (iso) => iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
const short = (commit) => commit ? commit.slice(0, 12) : '–';

function summary(objects) {
  const counts = {};
  for (const o of objects) counts[o.verdict] = (counts[o.verdict] || 0) + 1;
  return Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
}

// With API tokens configured, the data needs a viewer token: asked once, kept for this tab only.
async function api(path, init) {
  const token = sessionStorage.getItem('capstan-token');
  const options = Object.assign({}, init || {});
  options.headers = Object.assign({}, options.headers || {}, token ? {Authorization: `Bearer ${token}`} : {});
  const response = await fetch(path, options);
  if (response.status === 401) {
    const entered = window.prompt('Capstan API token (viewer or more)');
    if (entered) {
      sessionStorage.setItem('capstan-token', entered.trim());
      return api(path, init);
    }
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${path}: HTTP ${response.status}`);
  return body;
}

const mayAct = () => ACT_ROLES.includes(role);

function say(message, cls) {
  const line = document.getElementById('notice');
  line.className = cls || '';
  line.replaceChildren(text(message));
  line.hidden = !message;
}

// An action asks first, in the page: what it will do, then Confirm or Cancel.
function confirmAction(question, action) {
  const box = document.getElementById('confirm');
  box.replaceChildren(el('p', {}, question),
    el('button', {id: 'confirm-yes', onclick: async () => {
      box.hidden = true;
      try {
        const answer = await action();
        say(answer.status || 'accepted', 'ok');
      } catch (e) {
        say(String(e.message || e), 'error');
      }
      setTimeout(refresh, 500);
    }}, 'Confirm'),
    el('button', {id: 'confirm-no', onclick: () => { box.hidden = true; }}, 'Cancel'));
  box.hidden = false;
}

function showHold(unit, status) {
  const hold = document.getElementById('hold');
  hold.replaceChildren();
  hold.hidden = !(status && (status.state === 'Quarantined' || status.state === 'Pinned'));
  if (hold.hidden) return;
  hold.appendChild(el('strong', {}, `${status.state} at revision ${status.revision}`));
  hold.appendChild(el('span', {}, ` — ${status.message || ''}`));
  if (mayAct()) {
    const [chart, env] = unit.split('/');
    hold.appendChild(el('button', {id: 'resume', onclick: () => confirmAction(
      `Resume ${unit}? It will be synced to the tracked commit again.`,
      () => api(`/api/releases/${encodeURIComponent(chart)}/${encodeURIComponent(env)}/resume`, {method: 'POST'}))},
    'Resume'));
  }
}

function showDrift(drift) {
  const section = document.getElementById('drift');
  section.hidden = !drift;
  if (!drift) return;
  document.getElementById('drift-state').textContent = drift.state + (drift.reason ? ` (${drift.reason})` : '');
  document.getElementById('detail-diff').href = `/api/drift/${drift.chart}/${drift.env}?format=diff`;
  const body = document.querySelector('#objects tbody');
  body.replaceChildren();
  for (const o of drift.objects) {
    const row = el('tr');
    cell(row, `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`);
    cell(row, o.verdict, o.verdict);
    cell(row, el('code', {}, (o.changes || [])
      .map(c => `${c.path}: ${JSON.stringify(c.live)} → ${JSON.stringify(c.desired)}`).join('\n')));
    body.appendChild(row);
  }
}

function showHistory(unit, releases, status) {
  const body = document.querySelector('#history tbody');
  body.replaceChildren();
  const [chart, env] = unit.split('/');
  const running = status && status.revision;
  for (const r of releases.slice().reverse()) {
    const row = el('tr', {'data-revision': String(r.revision)});
    cell(row, r.revision);
    cell(row, el('span', {}, el('code', {}, short(r.commit)),
      r.subject ? ` ${r.subject}` : '', r.author ? el('span', {class: 'author'}, ` — ${r.author}`) : ''));
    cell(row, r.status + (r.hold ? ` (${r.hold})` : '') + (r.phase ? ` · ${r.phase}` : ''), r.status);
    cell(row, when(r.updatedAt), 'when');
    cell(row, r.by || '');
    cell(row, [r.message, r.rollbackTo ? `re-applied revision ${r.rollbackTo}` : null,
      (r.failingChecks || []).join('; ')].filter(Boolean).join(' — '));
    const actions = cell(row, '');
    // What ran before and was replaced (by a newer one, or by a rollback); the deployed revision is what runs now.
    const restorable = (r.status === 'superseded' || r.status === 'rolled-back') && r.revision !== running;
    if (mayAct() && restorable) {
      actions.appendChild(el('button', {class: 'rollback', onclick: () => confirmAction(
        `Roll ${unit} back to revision ${r.revision} (commit ${short(r.commit)})? It stays pinned there until a`
          + ' newer commit changes the unit or it is resumed.',
        () => api(`/api/releases/${encodeURIComponent(chart)}/${encodeURIComponent(env)}/rollback`, {
          method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({revision: r.revision})}))}, `Roll back to ${r.revision}`));
    }
    body.appendChild(row);
  }
}

function showIncidents(unit, incidents) {
  const list = document.querySelector('#incidents tbody');
  list.replaceChildren();
  const mine = incidents.filter(i => i.unit === unit).reverse();
  document.getElementById('incidents').hidden = mine.length === 0;
  for (const incident of mine) {
    const row = el('tr', {class: 'incident', 'data-incident': incident.id});
    cell(row, incident.id);
    cell(row, incident.status, incident.status);
    cell(row, when(incident.openedAt));
    cell(row, incident.summary);
    row.addEventListener('click', () => showIncident(incident));
    list.appendChild(row);
  }
}

async function showIncident(incident) {
  const view = document.getElementById('incident');
  view.hidden = false;
  document.getElementById('incident-title').textContent = `${incident.id}: ${incident.summary}`;
  document.getElementById('incident-impact').textContent = incident.impact;
  document.getElementById('incident-commit').textContent = `commit ${short(incident.commit.sha)} by `
    + `${incident.commit.author}: ${incident.commit.message}`;
  const body = document.querySelector('#timeline tbody');
  body.replaceChildren();
  for (const entry of incident.timeline) {
    const row = el('tr');
    cell(row, when(entry.at), 'when');
    cell(row, entry.event);
    body.appendChild(row);
  }
  const token = sessionStorage.getItem('capstan-token');
  const response = await fetch(`/api/incidents/${encodeURIComponent(incident.id)}?format=markdown`,
    token ? {headers: {Authorization: `Bearer ${token}`}} : {});
  document.getElementById('postmortem').textContent = response.ok ? await response.text() : '';
}

async function showUnit(unit, status, drift) {
  document.getElementById('detail').hidden = false;
  document.getElementById('detail-title').textContent = `${unit}: ${status ? status.state : 'unknown'}`;
  if (document.body.dataset.shown !== unit) document.getElementById('incident').hidden = true;
  showHold(unit, status);
  showDrift(drift);
  const [chart, env] = unit.split('/');
  const [releases, incidents] = await Promise.all([
    api(`/api/releases/${encodeURIComponent(chart)}/${encodeURIComponent(env)}`)
      .then(r => (r.units[0] || {releases: []}).releases).catch(() => []),
    api('/api/incidents').then(r => r.incidents)]);
  showHistory(unit, releases, status);
  showIncidents(unit, incidents);
  document.body.dataset.shown = unit;
}

async function refresh() {
  const [status, drift, me] = await Promise.all([api('/api/status'), api('/api/drift'), api('/api/whoami')]);
  role = me.role;
  document.getElementById('who').textContent = me.role === 'open'
    ? 'API open (no tokens): anyone here may act' : `token ${me.name}: ${me.role}`;
  const repo = status.repo;
  const repoLine = document.getElementById('repo');
  repoLine.replaceChildren(text(`commit ${short(repo.commit)} · remote `));
  repoLine.appendChild(el('span', {class: repo.remote}, repo.remote + (repo.error ? ` · ${repo.error}` : '')));

  const drifts = Object.fromEntries(drift.units.map(d => [d.unit, d]));
  const statuses = Object.fromEntries(status.units.map(u => [u.unit, u]));
  const body = document.querySelector('#units tbody');
  body.replaceChildren();
  for (const unit of status.units) {
    const d = drifts[unit.unit];
    const row = el('tr', {class: 'unit', 'data-unit': unit.unit});
    cell(row, unit.unit);
    cell(row, unit.state + (unit.phase ? ` · ${unit.phase}` : ''), unit.state);
    cell(row, short(unit.commit));
    cell(row, d ? d.state : 'unchecked', d ? d.state : '');
    cell(row, d ? summary(d.objects) : '');
    row.addEventListener('click', () => { location.hash = unit.unit; });
    body.appendChild(row);
  }
  const selected = decodeURIComponent(location.hash.slice(1));
  if (selected && statuses[selected]) await showUnit(selected, statuses[selected], drifts[selected]);
  document.body.dataset.loaded = 'true';
}

window.addEventListener('hashchange', () => refresh().catch(() => {}));
refresh().catch(e => { document.getElementById('repo').textContent = `cannot load: ${e.message || e}`; });
setInterval(() => { if (document.getElementById('confirm').hidden) refresh().catch(() => {}); }, 5000);
