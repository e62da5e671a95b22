// Shared by every page: the signed-in person, the top bar, API calls and formatting.
// Plain browser JavaScript, no build step and no CDN: the dashboard must work offline.
'use strict';

const PT = (() => {
  const RISK_ORDER = { NONE: 0, WATCH: 1, LIKELY: 2, URGENT: 3 };
  const SEVERITY_ORDER = { INFO: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };
  const DAY = 86400000, HOUR = 3600000;
  const LOGO = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">'
    + '<path d="M12 2.5c3.6 4.6 6.5 8.2 6.5 11.5a6.5 6.5 0 0 1-13 0C5.5 10.7 8.4 7.1 12 2.5z" fill="rgba(255,255,255,.15)"/>'
    + '<path d="M8.5 14.5h2l1-2.5 1.6 5 1.2-2.5h1.2"/></svg>';

  function esc(s) {
    return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  async function api(path, options = {}) {
    const res = await fetch(path, { credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, ...options });
    if (res.status === 401) {
      location.href = '/signin.html?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('not signed in');
    }
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error((body && (body.title || body.error || body.message)) || ('HTTP ' + res.status));
      err.status = res.status;
      throw err;
    }
    return body;
  }

  const label = s => String(s ?? '').replace(/_/g, ' ').toLowerCase().replace(/^./, c => c.toUpperCase())
    .replace(/\b(eri|eos)\b/gi, w => w.toUpperCase());
  const dateFmt = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
  const dayFmt = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric' });
  const fmtTime = t => t == null ? '—' : dateFmt.format(new Date(t));
  const fmtDay = t => t == null ? '—' : dayFmt.format(new Date(t));
  const ml = v => v == null ? '—' : v.toFixed(1) + ' mL';
  const pct = v => v == null ? '—' : Math.round(v * 100) + '%';

  function ago(t, now) {
    if (t == null) return '—';
    const d = Math.max(0, now - t);
    if (d < 2 * 60000) return 'just now';
    if (d < HOUR) return Math.round(d / 60000) + ' min ago';
    if (d < 2 * DAY) return Math.round(d / HOUR) + ' h ago';
    return Math.round(d / DAY) + ' days ago';
  }

  function pill(text, cls) {
    return `<span class="pill ${esc(cls ?? text)}">${esc(label(text))}</span>`;
  }

  let me = null;
  let fleetTime = null;

  function renderTopbar(active) {
    const bar = document.createElement('header');
    bar.className = 'topbar';
    bar.innerHTML = `
      <a class="brand" href="/fleet.html">${LOGO}<span>PumpTwin</span></a>
      <nav class="nav">
        <a href="/fleet.html" class="${active === 'fleet' ? 'active' : ''}" id="nav-fleet">Fleet</a>
        <a href="/alerts.html" class="${active === 'alerts' ? 'active' : ''}" id="nav-alerts">Live alerts <span class="badge zero" id="alert-badge">0</span></a>
      </nav>
      <span class="spacer"></span>
      <span class="fleet-time" id="fleet-time" title="Fleet time: the latest event time seen from the pumps">&nbsp;</span>
      <span class="who" id="who">
        <span id="who-user" class="mono">${esc(me.userId)}</span>
        <span class="role" id="who-role">${esc(me.role.replace('_', '-'))}</span>
        <span id="who-clinics">${esc([...me.clinics].sort().join(', '))}</span>
        <button type="button" id="sign-out">Sign out</button>
      </span>`;
    document.body.prepend(bar);
    document.getElementById('sign-out').onclick = async () => {
      await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
      location.href = '/signin.html';
    };
  }

  function setFleetTime(t) {
    if (t == null) return;
    fleetTime = t;
    const el = document.getElementById('fleet-time');
    if (el) el.textContent = 'Fleet time ' + fmtTime(t);
  }

  function setAlertBadge(n) {
    const b = document.getElementById('alert-badge');
    if (!b) return;
    b.textContent = n;
    b.classList.toggle('zero', n === 0);
  }

  // Every page starts here: who is signed in (or off to the sign-in page), then the top bar.
  async function boot(active) {
    me = await api('/api/me');
    renderTopbar(active);
    if (active !== 'alerts') {
      api('/api/alerts').then(list => setAlertBadge(list.filter(a => a.status === 'OPEN' || a.status === 'ESCALATED').length)).catch(() => {});
    }
    return me;
  }

  const mayAct = () => me && (me.role === 'ON_CALL' || me.role === 'ADMIN');

  return { api, boot, esc, label, fmtTime, fmtDay, ml, pct, ago, pill, setFleetTime, setAlertBadge, mayAct,
    RISK_ORDER, SEVERITY_ORDER, DAY, HOUR, get me() { return me; }, get fleetTime() { return fleetTime; } };
})();
