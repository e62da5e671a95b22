'use strict';
(async () => {
  const { esc, api, pill, ml, pct, ago, fmtDay, RISK_ORDER } = PT;
  const me = await PT.boot('fleet');
  let rows = [];
  let sort = { key: 'riskLevel', dir: -1 };

  const clinics = [...me.clinics].sort();
  if (clinics.length > 1) {
    const sel = document.getElementById('filter-clinic');
    sel.innerHTML = '<option value="">All my clinics</option>' + clinics.map(c => `<option>${esc(c)}</option>`).join('');
    document.getElementById('clinic-filter-label').classList.remove('hidden');
  }

  // A pump's reservoir as a nurse reads it: the band of where the true volume is (95%), the estimate,
  // and the low-reservoir alarm volume, against the reservoir's size. A retired twin's stands as it was
  // at the explant: grey, whatever it was.
  function gauge(r) {
    const w = 120, h = 14, cap = Math.max(r.capacityMl, r.reservoirUpper95Ml, 1);
    const x = v => Math.max(0, Math.min(w, v / cap * w));
    const color = retired(r) ? 'var(--faint)' : r.reservoirLower95Ml <= 2 ? 'var(--urgent)'
      : r.reservoirLower95Ml <= r.capacityMl * 0.2 ? 'var(--likely)' : 'var(--brand-2)';
    return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="reservoir gauge">
      <rect x="0" y="3" width="${w}" height="8" rx="4" fill="#e8eef3"/>
      <rect x="${x(r.reservoirLower95Ml)}" y="3" width="${Math.max(2, x(r.reservoirUpper95Ml) - x(r.reservoirLower95Ml))}" height="8" rx="3" fill="${color}" opacity=".28"/>
      <rect x="${Math.max(0, x(r.reservoirMl) - 1.5)}" y="0" width="3" height="14" rx="1.5" fill="${color}"/>
    </svg>`;
  }

  // The clinic's explant: the pump is out of the patient, so it is shown as such and asks for nothing;
  // its twin no longer follows it (row.followed), and its figures are history, in no alarm colour.
  // Unless the twin doubts the explant: the pump still reports from the patient's home, so the explant
  // may be on the wrong serial, and the row shows the risks the twin follows again and its figures in
  // their colours (the twin still works them out from the pump's reports; only their alerts wait).
  const doubted = r => r.explant != null && r.explant.doubtedSince != null;
  const retired = r => !r.followed;
  const asAtExplant = ' title="as at the explant, not followed"';

  function explantText(x) {
    return `explanted ${PT.fmtTime(x.at)} (${PT.label(x.reason).toLowerCase()}${x.replacementPumpSerial ? ', replaced by ' + x.replacementPumpSerial : ''})`;
  }

  function doubtText(x) {
    return `explant doubted since ${PT.fmtTime(x.doubtedSince)}: the pump still reports from the patient`;
  }

  function refillCell(r) {
    if (r.explant) return '<span class="faint">—</span>';
    if (r.daysToRefillDue == null) return '<span class="faint">no projection</span>';
    const d = r.daysToRefillDue;
    const cls = d < 0 ? 'overdue' : d <= 7 ? 'soon' : '';
    const text = d < 0 ? `${Math.ceil(-d)} d overdue` : d < 1 ? 'today' : `in ${Math.floor(d)} d`;
    const why = r.refillDueReason === 'DRUG_STABILITY' ? ' title="Set by drug stability, not volume"' : '';
    return `<div class="${cls} num"${why}>${text}</div><div class="faint">${fmtDay(r.refillDueAt)}${r.refillDueReason === 'DRUG_STABILITY' ? ' · stability' : ''}</div>`;
  }

  function batteryCell(r) {
    const cls = retired(r) ? 'not-followed' : r.batteryState === 'ERI' ? 'LIKELY' : 'URGENT';
    const tag = r.batteryState === 'OK' ? '' : ' ' + pill(r.batteryState === 'ERI' ? 'ERI' : 'End of service', cls);
    return `<span class="num"${retired(r) ? asAtExplant : ''}>${Math.round(r.batteryPercent)}%</span>${tag}`;
  }

  function catheterCell(r) {
    const p = r.catheterProbability;
    const cls = retired(r) ? 'not-followed' : p >= 0.6 ? 'URGENT' : p >= 0.3 ? 'LIKELY' : p >= 0.1 ? 'WATCH' : 'NONE';
    return `<span class="pill ${cls} num"${retired(r) ? asAtExplant : ''}>${pct(p)}</span>${r.catheterSuspectedKind ? ` <span class="faint">${esc(PT.label(r.catheterSuspectedKind))}</span>` : ''}`;
  }

  function riskCell(r) {
    if (retired(r)) return `${pill('explanted', 'explanted')}<div class="faint explant">${esc(explantText(r.explant))}</div>`;
    const cause = r.riskCause ? `<div class="faint">${r.riskCause === 'OVERDOSE' ? 'overdose' : 'underdose / withdrawal'}</div>` : '';
    const doubt = doubted(r) ? `<div class="explant-doubt">${esc(doubtText(r.explant))}</div><div class="faint explant">${esc(explantText(r.explant))}</div>` : '';
    const alerts = r.openAlerts ? `<div class="faint">${r.openAlerts} open alert${r.openAlerts > 1 ? 's' : ''}</div>` : '';
    return pill(r.riskLevel) + cause + doubt + alerts;
  }

  function heardCell(r) {
    const silent = r.silent ? ' ' + pill('silent', 'silent') : '';
    return `<span class="nowrap">${ago(r.lastHeardAt, PT.fleetTime)}</span>${silent}`;
  }

  function value(r, key) {
    // Among pumps of one risk level, the likelier catheter fault first; a retired twin's, which nobody follows, last.
    if (key === 'riskLevel') return RISK_ORDER[r.riskLevel] * 10 + (retired(r) ? -1 : r.catheterProbability || 0);
    const v = r[key];
    return v == null ? (sort.dir > 0 ? Infinity : -Infinity) : v;
  }

  function render() {
    const q = document.getElementById('filter-search').value.trim().toLowerCase();
    const shown = rows.filter(r => !q || r.pumpSerial.toLowerCase().includes(q) || r.patientPseudonym.toLowerCase().includes(q));
    shown.sort((a, b) => {
      const va = value(a, sort.key), vb = value(b, sort.key);
      const c = typeof va === 'string' ? va.localeCompare(vb) : (va < vb ? -1 : va > vb ? 1 : 0);
      return c * sort.dir || a.pumpSerial.localeCompare(b.pumpSerial);
    });
    document.querySelectorAll('#fleet-table th').forEach(th => {
      const on = th.dataset.sort === sort.key;
      th.classList.toggle('sorted', on);
      th.querySelector('.arrow').textContent = on ? (sort.dir > 0 ? '↑' : '↓') : '↕';
    });
    document.getElementById('fleet-count').textContent = `${shown.length} pump${shown.length === 1 ? '' : 's'}`;
    const body = document.getElementById('fleet-body');
    if (!shown.length) {
      body.innerHTML = '<tr><td colspan="8" class="empty">No pump matches these filters.</td></tr>';
      return;
    }
    body.innerHTML = shown.map(r => `
      <tr class="risk-${r.riskLevel}${retired(r) ? ' explanted' : ''}${doubted(r) ? ' explant-doubted' : ''}" data-serial="${esc(r.pumpSerial)}" data-clinic="${esc(r.clinicId)}">
        <td><div class="serial">${esc(r.pumpSerial)}</div><div class="faint mono">${esc(r.patientPseudonym)}</div></td>
        <td>${esc(r.clinicId)}</td>
        <td><div class="gauge">${gauge(r)}<div><div class="num"><b>${ml(r.reservoirMl)}</b></div>
          <div class="faint num">${r.reservoirLower95Ml.toFixed(1)}–${r.reservoirUpper95Ml.toFixed(1)} of ${r.capacityMl} mL</div>${
            retired(r) ? '<div class="faint as-at-explant">as at the explant</div>' : ''}</div></div></td>
        <td>${refillCell(r)}</td>
        <td>${batteryCell(r)}</td>
        <td>${catheterCell(r)}</td>
        <td>${riskCell(r)}</td>
        <td>${heardCell(r)}</td>
      </tr>`).join('');
    body.querySelectorAll('tr[data-serial]').forEach(tr => {
      tr.onclick = () => { location.href = '/pump.html?serial=' + encodeURIComponent(tr.dataset.serial); };
    });
  }

  function tiles(all) {
    // Explanted pumps are listed but counted in no tile that asks someone to act, but for a doubted
    // explant's risk: its twin follows the underdose/withdrawal and overdose risks again and raises their alerts. Its
    // refill, catheter, silence and battery alerts wait for the clinic to retract the explant, and so do
    // those tiles.
    const implanted = all.filter(r => !r.explant);
    const n = k => implanted.filter(k).length;
    const atRisk = all.filter(r => !retired(r) && RISK_ORDER[r.riskLevel] >= 2);
    const inDoubt = all.filter(doubted).length;
    const t = [
      ['Pumps', implanted.length, `in your clinics${all.length > implanted.length ? ` · ${all.length - implanted.length} explanted` : ''}${inDoubt ? `, ${inDoubt} in doubt` : ''}`, 'info'],
      ['Urgent or likely', atRisk.length, 'act today', atRisk.some(r => r.riskLevel === 'URGENT') ? 'urgent' : 'likely'],
      ['Refill due ≤ 7 days', n(r => r.daysToRefillDue != null && r.daysToRefillDue <= 7), `${n(r => r.daysToRefillDue != null && r.daysToRefillDue < 0)} overdue`, 'watch'],
      ['Catheter fault ≥ 30%', n(r => r.catheterProbability >= 0.3), 'likelihood from evidence', 'likely'],
      ['Silent', n(r => r.silent), 'not heard from lately', 'info'],
      ['Battery ERI / EOS', n(r => r.batteryState !== 'OK'), 'schedule replacement', 'watch'],
    ];
    document.getElementById('tiles').innerHTML = t.map(([l, v, s, c]) =>
      `<div class="tile ${c}"><div class="label">${l}</div><div class="value num">${v}</div><div class="sub">${s}</div></div>`).join('');
  }

  async function load() {
    const p = new URLSearchParams();
    p.set('risk', document.getElementById('filter-risk').value);
    const refill = document.getElementById('filter-refill').value;
    if (refill !== '') p.set('refillDueWithinDays', refill);
    if (document.getElementById('filter-silent').checked) p.set('silent', 'true');
    const clinic = document.getElementById('filter-clinic').value;
    if (clinic) p.set('clinic', clinic);
    const [filtered, all] = await Promise.all([api('/api/fleet?' + p), api('/api/fleet')]);
    PT.setFleetTime(all.fleetTime);
    rows = filtered.pumps;
    tiles(all.pumps);
    render();
  }

  document.querySelectorAll('#fleet-table th').forEach(th => th.onclick = () => {
    sort = sort.key === th.dataset.sort ? { key: sort.key, dir: -sort.dir } : { key: th.dataset.sort, dir: th.dataset.sort === 'riskLevel' || th.dataset.sort === 'catheterProbability' ? -1 : 1 };
    render();
  });
  ['filter-risk', 'filter-refill', 'filter-silent', 'filter-clinic'].forEach(id => document.getElementById(id).onchange = load);
  document.getElementById('filter-search').oninput = render;
  await load();
  setInterval(() => load().catch(() => {}), 15000);
})();
