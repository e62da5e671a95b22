'use strict';
(async () => {
  const { esc, api, pill, label, fmtTime, ago, SEVERITY_ORDER } = PT;
  await PT.boot('alerts');
  const alerts = new Map();   // alertId -> latest card
  const pending = new Map();  // alertId -> what was sent, until alerting publishes the change
  const fresh = new Set();
  let initial = true;
  if (!PT.mayAct()) document.getElementById('viewer-note').classList.remove('hidden');

  const needsAction = a => a.status === 'OPEN' || a.status === 'ESCALATED';
  const order = (a, b) => (needsAction(b) - needsAction(a))
    || (SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity])
    || (b.eventTime - a.eventTime) || a.alertId.localeCompare(b.alertId);

  function evidence(a) {
    if (!a.evidence.length) return '';
    return `<ul class="evidence">${a.evidence.map(e => `<li><span class="kind">${esc(label(e.kind))}</span>
      <span>${esc(e.detail)}</span><span class="faint nowrap">${fmtTime(e.observedAt)}</span></li>`).join('')}</ul>`;
  }

  function twinValues(a) {
    const entries = Object.entries(a.twinValues || {});
    if (!entries.length) return '';
    return `<div class="chips">${entries.map(([k, v]) => `<span class="chip">${esc(k)} <b>${Number.isInteger(v) ? v : v.toFixed(2)}</b></span>`).join('')}</div>`;
  }

  function actions(a) {
    const can = PT.mayAct();
    const why = can ? '' : ` title="Your role (${esc(PT.me.role)}) cannot acknowledge or silence alerts"`;
    const p = pending.get(a.alertId);
    const sent = p ? `<div class="sending" data-role="pending">${esc(p)}</div>` : '';
    const ackDisabled = !can || a.status === 'ACKNOWLEDGED' || p ? 'disabled' : '';
    const silDisabled = !can || p ? 'disabled' : '';
    return `<div class="actions">
      <button class="btn primary" data-action="acknowledge" ${ackDisabled}${why}>Acknowledge</button>
      <div class="silence">
        <select data-role="silence-hours" ${silDisabled}${why}>
          <option value="1">1 h</option><option value="4" selected>4 h</option><option value="12">12 h</option><option value="24">24 h</option>
        </select>
        <button class="btn secondary" data-action="silence" ${silDisabled}${why}>Silence</button>
      </div>
      ${sent}
    </div>`;
  }

  function card(a, now) {
    const taken = a.status === 'ACKNOWLEDGED' ? `Acknowledged by <span class="mono">${esc(a.actor)}</span> ${ago(a.eventTime, now)}`
      : a.status === 'SILENCED' ? `Silenced by <span class="mono">${esc(a.actor)}</span>${a.reason ? ' · ' + esc(a.reason) : ''}` : '';
    return `<article class="alert sev-${esc(a.severity)} ${needsAction(a) ? '' : 'taken'} ${fresh.has(a.alertId) ? 'fresh' : ''}"
        data-alert-id="${esc(a.alertId)}" data-status="${esc(a.status)}" data-clinic="${esc(a.clinicId)}" data-pump="${esc(a.pumpSerial)}">
      <div>
        <div style="display:flex;gap:8px;align-items:center;flex-wrap:wrap">
          ${pill(a.severity)} ${pill(a.status, 'status ' + a.status)}
          <span class="headline">${esc(a.headline)}</span>
        </div>
        <div class="meta">
          <a class="serial" href="/pump.html?serial=${encodeURIComponent(a.pumpSerial)}">${esc(a.pumpSerial)}</a>
          <span class="mono">${esc(a.patientPseudonym)}</span>
          <span>${esc(a.clinicId)}</span>
          <span>${esc(label(a.alertType))}</span>
          <span>risk ${esc(label(a.riskLevel))}</span>
          <span title="${fmtTime(a.openedAt)}">opened ${ago(a.openedAt, now)}</span>
          ${a.escalationLevel > 0 ? `<span class="pill ESCALATED">escalation level ${a.escalationLevel}</span>` : ''}
          ${a.dueAt ? `<span>due ${fmtTime(a.dueAt)}</span>` : ''}
          ${taken ? `<span>${taken}</span>` : ''}
        </div>
      </div>
      ${actions(a)}
      ${evidence(a)}
      ${twinValues(a)}
    </article>`;
  }

  function render() {
    const now = PT.fleetTime ?? Date.now();
    const list = [...alerts.values()].sort(order);
    const open = list.filter(needsAction), taken = list.filter(a => !needsAction(a));
    document.getElementById('alerts-open').innerHTML = open.length ? open.map(a => card(a, now)).join('')
      : '<div class="card empty" id="no-open-alerts">Nothing needs action. New alerts appear here without reloading.</div>';
    document.getElementById('alerts-taken').innerHTML = taken.length ? taken.map(a => card(a, now)).join('')
      : '<div class="card empty">None.</div>';
    const count = s => list.filter(a => a.severity === s && needsAction(a)).length;
    document.getElementById('alert-tiles').innerHTML = [
      ['Critical', count('CRITICAL'), 'urgent'], ['High', count('HIGH'), 'likely'], ['Medium', count('MEDIUM'), 'watch'],
      ['Low / info', count('LOW') + count('INFO'), 'info'], ['Taken', taken.length, 'ok']]
      .map(([l, v, c]) => `<div class="tile ${c}"><div class="label">${l}</div><div class="value num">${v}</div></div>`).join('');
    PT.setAlertBadge(open.length);
    fresh.clear();
  }

  document.addEventListener('click', async ev => {
    const btn = ev.target.closest('button[data-action]');
    if (!btn || btn.disabled) return;
    const el = btn.closest('[data-alert-id]');
    const id = el.dataset.alertId;
    const action = btn.dataset.action;
    const body = action === 'silence' ? { hours: Number(el.querySelector('[data-role=silence-hours]').value) } : {};
    pending.set(id, action === 'silence' ? 'Silence sent, waiting for alerting…' : 'Acknowledgement sent, waiting for alerting…');
    render();
    try {
      await api(`/api/alerts/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: JSON.stringify(body) });
    } catch (e) {
      pending.set(id, 'Not sent: ' + e.message);
      render();
      setTimeout(() => { pending.delete(id); render(); }, 6000);
    }
  });

  function connect() {
    const live = document.getElementById('live'), text = document.getElementById('live-text');
    const es = new EventSource('/api/alerts/stream');
    es.onopen = () => { live.classList.remove('off'); text.textContent = 'Live'; };
    es.onerror = () => { live.classList.add('off'); text.textContent = 'Reconnecting…'; };
    es.addEventListener('snapshot', ev => {
      const list = JSON.parse(ev.data);
      alerts.clear();
      list.forEach(a => { if (!initial && !alerts.has(a.alertId)) fresh.add(a.alertId); alerts.set(a.alertId, a); });
      initial = false;
      document.body.dataset.streamReady = 'true';
      render();
    });
    es.addEventListener('alert', ev => {
      const a = JSON.parse(ev.data);
      const before = alerts.get(a.alertId);
      if (before && before.status !== a.status) pending.delete(a.alertId);
      if (a.status === 'RESOLVED') alerts.delete(a.alertId); else alerts.set(a.alertId, a);
      if (!before) fresh.add(a.alertId);
      if (PT.fleetTime == null || a.eventTime > PT.fleetTime) PT.setFleetTime(a.eventTime);
      render();
    });
  }
  api('/api/fleet?risk=URGENT').then(f => PT.setFleetTime(f.fleetTime)).catch(() => {});
  connect();
})();
