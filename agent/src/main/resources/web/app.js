'use strict';
// The Capstan page: reads /api/status and /api/drift, renders plain tables. No framework, no build step.

const text = (value) => document.createTextNode(value == null ? '' : String(value));

function cell(row, value, cls) {
  const td = document.createElement('td');
  if (cls) td.className = cls;
  td.appendChild(value instanceof Node ? value : text(value));
  row.appendChild(td);
  return td;
}

function summary(objects) {
  const counts = {};
  for (const o of objects) counts[o.verdict] = (counts[o.verdict] || 0) + 1;
  return Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
}

function showDetail(drift) {
  document.getElementById('detail').hidden = false;
  document.getElementById('detail-title').textContent = `${drift.unit}: ${drift.state}`
      + (drift.reason ? ` (${drift.reason})` : '');
  document.getElementById('detail-diff').href = `/api/drift/${drift.chart}/${drift.env}?format=diff`;
  const body = document.querySelector('#objects tbody');
  body.replaceChildren();
  for (const o of drift.objects) {
    const row = document.createElement('tr');
    cell(row, `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`);
    cell(row, o.verdict, o.verdict);
    const changes = document.createElement('code');
    changes.textContent = (o.changes || []).map(c => `${c.path}: ${JSON.stringify(c.live)} → ${JSON.stringify(c.desired)}`).join('\n');
    cell(row, changes);
    body.appendChild(row);
  }
}

// With API tokens configured, the data needs a viewer token: asked once, kept for this tab only.
async function api(path) {
  const token = sessionStorage.getItem('capstan-token');
  const response = await fetch(path, token ? {headers: {Authorization: `Bearer ${token}`}} : {});
  if (response.status === 401) {
    const entered = window.prompt('Capstan API token (viewer or more)');
    if (entered) {
      sessionStorage.setItem('capstan-token', entered.trim());
      return api(path);
    }
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

async function refresh() {
  const [status, drift] = await Promise.all([api('/api/status'), api('/api/drift')]);
  const repo = status.repo;
  const repoLine = document.getElementById('repo');
  repoLine.replaceChildren(text(`commit ${repo.commit ? repo.commit.slice(0, 12) : '–'} · remote `));
  const remote = document.createElement('span');
  remote.className = repo.remote;
  remote.textContent = repo.remote + (repo.error ? ` · ${repo.error}` : '');
  repoLine.appendChild(remote);

  const drifts = Object.fromEntries(drift.units.map(d => [d.unit, d]));
  const body = document.querySelector('#units tbody');
  body.replaceChildren();
  for (const unit of status.units) {
    const d = drifts[unit.unit];
    const row = document.createElement('tr');
    row.className = 'unit';
    row.dataset.unit = unit.unit;
    cell(row, unit.unit);
    cell(row, unit.state, unit.state);
    cell(row, unit.commit.slice(0, 12));
    cell(row, d ? d.state : 'unchecked', d ? d.state : '');
    cell(row, d ? summary(d.objects) : '');
    if (d) row.addEventListener('click', () => showDetail(d));
    body.appendChild(row);
  }
  const selected = location.hash.slice(1);
  if (selected && drifts[selected]) showDetail(drifts[selected]);
}

refresh().catch(e => { document.getElementById('repo').textContent = `cannot load: ${e}`; });
setInterval(() => refresh().catch(() => {}), 5000);
