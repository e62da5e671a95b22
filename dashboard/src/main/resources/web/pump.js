'use strict';
(async () => {
  const { esc, api, pill, label, fmtTime, fmtDay, ml, pct, ago, DAY } = PT;
  await PT.boot('fleet');
  const serial = new URLSearchParams(location.search).get('serial');
  let s;
  try {
    s = await api('/api/pumps/' + encodeURIComponent(serial));
  } catch (e) {
    document.getElementById('pump-head').innerHTML = `<h1 class="serial">${esc(serial)}</h1>`;
    document.getElementById('pump-missing').classList.remove('hidden');
    return;
  }
  document.title = s.row.pumpSerial + ' · PumpTwin';
  PT.setFleetTime(s.fleetTime);
  const r = s.row, t = s.twin, now = s.fleetTime;

  const EVENT_KINDS = {
    alarm: { color: '#c62828', lane: 0, name: 'Alarms' },
    symptom: { color: '#6a3fb5', lane: 1, name: 'Symptoms' },
    dose: { color: '#1565c0', lane: 2, name: 'Dose changes' },
    check: { color: '#00897b', lane: 3, name: 'Catheter checks' },
    alert: { color: '#e65100', lane: 4, name: 'Alerts' },
  };
  const events = [
    ...s.alarms.map(a => ({ kind: 'alarm', at: a.at, title: label(a.kind) + (a.critical ? ' (critical)' : ''), detail: a.detail || (a.critical ? 'Critical two-tone alarm' : 'Single-tone alarm') })),
    ...s.symptoms.map(x => ({ kind: 'symptom', at: x.at, title: 'Symptoms reported by ' + label(x.reporter).toLowerCase(), detail: x.symptoms.map(label).join(', ') + (x.spasticityAshworth != null ? ` · Ashworth ${x.spasticityAshworth}` : '') })),
    ...s.doseChanges.map(d => ({ kind: 'dose', at: d.at, title: `Dose ${d.previousDoseMcgPerDay} → ${d.newDoseMcgPerDay} mcg/day`, detail: label(d.reason) })),
    ...s.catheterChecks.map(c => ({ kind: 'check', at: c.at, title: label(c.method) + ': ' + label(c.result), detail: c.faultKind ? label(c.faultKind) : '' })),
    ...s.alerts.map(a => ({ kind: 'alert', at: a.at, title: `${label(a.alertType)}: ${label(a.transition)}`, detail: a.headline + (a.actor ? ` · by ${a.actor}` : '') })),
  ];

  // Header and tiles. A doubted explant shows the underdose/withdrawal and overdose risks its twin follows again.
  const doubted = r.explant != null && r.explant.doubtedSince != null;
  document.getElementById('pump-head').innerHTML = `
    <h1 class="serial" id="pump-serial">${esc(r.pumpSerial)}</h1>
    ${r.explant && !doubted ? pill('explanted', 'explanted') : pill(r.riskLevel)} ${doubted ? pill('explant doubted', 'explant-doubted') : ''} ${r.silent ? pill('silent', 'silent') : ''}
    <span class="muted mono">${esc(r.patientPseudonym)}</span>
    <span class="muted">${esc(r.clinicId)}</span>
    <span class="muted">delivery ${esc(label(r.delivery))}</span>
    <span class="muted">last heard ${ago(r.lastHeardAt, now)}</span>`;
  if (r.explant) {
    // Out of the patient: say when and why before any figure, which stands as it was at the explant.
    // Unless the twin doubts the explant: then say so first, and what is followed again meanwhile.
    const x = r.explant;
    const explanted = `Pump explanted ${esc(fmtTime(x.at))} (${esc(label(x.reason).toLowerCase())}${x.replacementPumpSerial ? ', replaced by ' + esc(x.replacementPumpSerial) : ''})`;
    const text = doubted
      ? `${explanted}, but explant doubted since ${esc(fmtTime(x.doubtedSince))}: the pump still reports from the patient, so the explant
        may be recorded against the wrong serial. Its underdose/withdrawal and overdose risks are followed again and alerted; the twin still works out the
        other figures below from the pump's reports, but its refill, battery, silence and catheter alerts wait until the clinic retracts the explant.`
      : `${explanted}: no longer in the patient; the figures below are as they stood then and no alert is raised for it.`;
    document.getElementById('pump-head').insertAdjacentHTML('beforeend',
      `<div class="explant-banner${doubted ? ' doubted' : ''}" id="pump-explant">${text}</div>`);
  }
  const proj = b => b ? `${fmtDay(b.expected)}` : '—';
  const projSub = b => b ? `band ${fmtDay(b.earliest)} – ${fmtDay(b.latest)}` : 'no projection';
  const refillCls = r.daysToRefillDue == null ? 'info' : r.daysToRefillDue < 0 ? 'urgent' : r.daysToRefillDue <= 7 ? 'likely' : 'ok';
  // Each tile's colour is what its figure calls for now.
  const tiles = [
    ['Reservoir estimate', ml(r.reservoirMl), `95% band ${r.reservoirLower95Ml.toFixed(1)}–${r.reservoirUpper95Ml.toFixed(1)} mL of ${r.capacityMl}`, r.reservoirLower95Ml <= t.lowReservoirAlarmMl ? 'urgent' : 'info'],
    ['Refill due', r.refillDueAt ? fmtDay(r.refillDueAt) : '—', r.daysToRefillDue == null ? '' : r.daysToRefillDue < 0 ? `${Math.ceil(-r.daysToRefillDue)} days overdue` : `in ${Math.floor(r.daysToRefillDue)} days` + (r.refillDueReason === 'DRUG_STABILITY' ? ' (drug stability)' : ''), refillCls],
    ['Low reservoir', proj(t.lowReservoirAt), projSub(t.lowReservoirAt), 'watch'],
    ['Empty', proj(t.emptyAt), projSub(t.emptyAt), 'likely'],
    ['Catheter fault', pct(r.catheterProbability), r.catheterSuspectedKind ? 'suspected ' + label(r.catheterSuspectedKind).toLowerCase() : 'no kind suspected', r.catheterProbability >= 0.3 ? 'likely' : 'ok'],
    ['Battery', Math.round(r.batteryPercent) + '%', r.batteryState === 'OK' ? (t.eriProjectedAt ? 'ERI projected ' + fmtDay(t.eriProjectedAt) : '') : label(r.batteryState), r.batteryState === 'OK' ? 'ok' : 'likely'],
    ['Dose', `${r.doseMcgPerDay} mcg/day`, `${t.concentrationMcgPerMl} mcg/mL · ${t.dailyVolumeMl.toFixed(3)} mL/day`, 'info'],
  ];
  // Unless the twin no longer follows the pump (explanted, the explant not in doubt, row.followed): then its figures
  // stand as they were at the explant and nothing is raised on them, so the tiles keep their values as history, in
  // no alarm colour, like the risk panel's levels. A doubted explant's tiles keep their colours: the twin still works
  // those figures out from the pump's reports, and the pump may be in a patient.
  const asAtExplant = !r.followed;
  document.getElementById('pump-tiles').innerHTML = tiles.map(([l, v, sub, c]) =>
    `<div class="tile ${asAtExplant ? 'history' : c}"><div class="label">${l}</div><div class="value num">${v}</div><div class="sub">${esc(sub)}</div>${
      asAtExplant && v !== '—' ? '<div class="sub as-at-explant">as at the explant</div>' : ''}</div>`).join('');
  if (s.openAlerts.length) {
    document.getElementById('pump-alerts').innerHTML = `<div class="section-title" style="margin-top:0">Open alerts</div>
      <div class="alerts" style="margin-bottom:16px">${s.openAlerts.map(a => `<article class="alert sev-${esc(a.severity)}" data-alert-id="${esc(a.alertId)}">
        <div><div style="display:flex;gap:8px;align-items:center;flex-wrap:wrap">${pill(a.severity)} ${pill(a.status, 'status ' + a.status)} <span class="headline">${esc(a.headline)}</span></div>
        <div class="meta"><span>${esc(label(a.alertType))}</span><span>opened ${ago(a.openedAt, now)}</span><a href="/alerts.html">Act on it in Live alerts →</a></div></div></article>`).join('')}</div>`;
  }

  // Time axis shared by both charts, so a refill, a symptom and a jump in the likelihood line up.
  const times = [...s.reservoir.map(p => p.at), ...s.reported.map(p => p.at), ...s.refills.map(p => p.at),
    ...events.map(e => e.at), ...s.catheter.map(p => p.at)];
  let t0 = Math.min(...times, now - 14 * DAY);
  let t1 = Math.max(now, ...times);
  // An explanted pump's charts (asAtExplant) are history too: its thresholds and its refill's residual in no alarm
  // colour, and no projection forward (no refill or empty date lies ahead of a pump out of its patient).
  const ahead = asAtExplant ? [] : [r.refillDueAt, t.emptyAt && t.emptyAt.expected].filter(x => x != null && x > t1);
  const alarmInk = c => asAtExplant ? 'var(--muted)' : c;
  if (ahead.length) t1 = Math.min(Math.max(...ahead) + DAY, now + Math.max(30 * DAY, (now - t0) * 0.6));
  const W = 900, L = 96, R = 16;
  const x = v => L + (v - t0) / (t1 - t0) * (W - L - R);

  function xTicks(top, bottom) {
    const span = t1 - t0, step = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 90 * DAY].find(st => span / st <= 8) || 180 * DAY;
    const out = [];
    for (let v = Math.ceil(t0 / step) * step; v <= t1; v += step) {
      out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${top}" y2="${bottom}" stroke="#eef2f6"/>
        <text x="${x(v)}" y="${bottom + 14}" text-anchor="middle">${fmtDay(v).slice(0, 6)}</text>`);
    }
    return out.join('');
  }

  function nowLine(top, bottom) {
    return `<line x1="${x(now)}" x2="${x(now)}" y1="${top}" y2="${bottom}" stroke="#34495e" stroke-dasharray="2 3"/>
      <text x="${x(now) + 4}" y="${top + 10}" style="fill:#34495e">now</text>`;
  }

  function reservoirChart() {
    const laneH = 16, lanes = Object.keys(EVENT_KINDS).length;
    const T = 14, plotH = 250, B = T + plotH, stripTop = B + 30, H = stripTop + lanes * laneH + 8;
    const ymax = Math.max(r.capacityMl, ...s.reservoir.map(p => p.upper95Ml), ...s.refills.map(f => f.measuredResidualMl + f.filledVolumeMl)) * 1.05;
    const y = v => T + plotH - Math.max(0, v) / ymax * plotH;
    const parts = [];
    // y grid
    const yStep = ymax > 30 ? 10 : 5;
    for (let v = 0; v <= ymax; v += yStep) {
      parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eef2f6"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v} mL</text>`);
    }
    parts.push(xTicks(T, B));
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(r.capacityMl)}" y2="${y(r.capacityMl)}" stroke="#b0bec5" stroke-dasharray="6 4"/>
      <text x="${L + 4}" y="${y(r.capacityMl) - 4}">capacity ${r.capacityMl} mL</text>`);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(t.lowReservoirAlarmMl)}" y2="${y(t.lowReservoirAlarmMl)}" stroke="${alarmInk('var(--urgent)')}" stroke-dasharray="6 4"/>
      <text x="${W - R}" y="${y(t.lowReservoirAlarmMl) - 4}" text-anchor="end" style="fill:${alarmInk('var(--urgent)')}">low-reservoir alarm ${t.lowReservoirAlarmMl} mL</text>`);
    const pts = s.reservoir;
    if (pts.length) {
      // The band is drawn in segments that break at each refill, where the estimate jumps.
      const segs = [[]];
      pts.forEach((p, i) => { if (i && p.meanMl > pts[i - 1].meanMl + 0.5) segs.push([]); segs[segs.length - 1].push(p); });
      segs.forEach(seg => {
        const band = seg.map(p => `${x(p.at)},${y(p.upper95Ml)}`).concat(seg.slice().reverse().map(p => `${x(p.at)},${y(p.lower95Ml)}`));
        parts.push(`<polygon points="${band.join(' ')}" fill="rgba(19,122,158,.2)" stroke="none"/>`);
        parts.push(`<polyline points="${seg.map(p => `${x(p.at)},${y(p.meanMl)}`).join(' ')}" fill="none" stroke="var(--brand-2)" stroke-width="2.2" stroke-linejoin="round"/>`);
      });
      const last = pts[pts.length - 1];
      if (t.emptyAt && !asAtExplant) {
        // Projection to empty: the expected line and the cone of the band's edges.
        const e = t.emptyAt;
        // (drawn to the real dates; the chart's edge clips what lies beyond its window)
        parts.push(`<polygon points="${x(last.at)},${y(last.upper95Ml)} ${x(e.latest)},${y(0)} ${x(e.earliest)},${y(0)} ${x(last.at)},${y(last.lower95Ml)}" fill="rgba(19,122,158,.08)"/>`);
        parts.push(`<line x1="${x(last.at)}" y1="${y(last.meanMl)}" x2="${x(e.expected)}" y2="${y(0)}" stroke="var(--brand-2)" stroke-dasharray="5 4" stroke-width="1.6"><title>Projected empty ${fmtDay(e.expected)} (95% band ${fmtDay(e.earliest)} – ${fmtDay(e.latest)})</title></line>`);
      }
      pts.forEach(p => parts.push(`<circle cx="${x(p.at)}" cy="${y(p.meanMl)}" r="6" fill="transparent"><title>${fmtTime(p.at)}: ${p.meanMl.toFixed(2)} mL (95% ${p.lower95Ml.toFixed(2)}–${p.upper95Ml.toFixed(2)})</title></circle>`));
    }
    s.reported.forEach(p => parts.push(`<circle cx="${x(p.at)}" cy="${y(p.pumpComputedMl)}" r="2.4" fill="#90a4ae"><title>${fmtTime(p.at)}: the pump computes ${p.pumpComputedMl.toFixed(2)} mL</title></circle>`));
    if (r.refillDueAt && r.refillDueAt <= t1 && !asAtExplant) {
      parts.push(`<line x1="${x(r.refillDueAt)}" x2="${x(r.refillDueAt)}" y1="${T}" y2="${B}" stroke="var(--likely)" stroke-width="1.5"/>
        <text x="${x(r.refillDueAt) - 4}" y="${T + 22}" text-anchor="end" style="fill:var(--likely);font-weight:600">refill due ${fmtDay(r.refillDueAt).slice(0, 6)}</text>`);
    }
    s.refills.forEach(f => {
      const d = f.measuredResidualMl - f.expectedResidualMl;
      const color = Math.abs(d) >= 1 ? alarmInk('var(--urgent)') : '#34495e';
      const X = x(f.at);
      parts.push(`<g class="refill-marker" data-at="${f.at}">
        <line x1="${X}" x2="${X}" y1="${T}" y2="${B}" stroke="${color}" stroke-dasharray="3 3" opacity=".7"/>
        <line x1="${X}" x2="${X}" y1="${y(f.expectedResidualMl)}" y2="${y(f.measuredResidualMl)}" stroke="${color}" stroke-width="3"/>
        <circle cx="${X}" cy="${y(f.expectedResidualMl)}" r="4.5" fill="#fff" stroke="${color}" stroke-width="1.8"/>
        <circle cx="${X}" cy="${y(f.measuredResidualMl)}" r="4.5" fill="${color}"/>
        <text x="${X + 6}" y="${Math.min(y(f.measuredResidualMl), y(f.expectedResidualMl)) - 8}" style="fill:${color};font-weight:600">refill: expected ${f.expectedResidualMl.toFixed(1)}, measured ${f.measuredResidualMl.toFixed(1)} mL (${d >= 0 ? '+' : ''}${d.toFixed(1)})</text>
        <title>Refill ${fmtTime(f.at)}: expected residual ${f.expectedResidualMl.toFixed(2)} mL, measured ${f.measuredResidualMl.toFixed(2)} mL, filled ${f.filledVolumeMl.toFixed(1)} mL at ${f.concentrationMcgPerMl} mcg/mL${f.pocketFillSuspected ? ' · POCKET FILL SUSPECTED' : ''}</title>
      </g>`);
    });
    parts.push(nowLine(T, B));
    // Event strip: one lane per kind, on the same time axis.
    Object.entries(EVENT_KINDS).forEach(([k, v]) => {
      const ly = stripTop + v.lane * laneH;
      parts.push(`<line x1="${L}" x2="${W - R}" y1="${ly + 6}" y2="${ly + 6}" stroke="#f0f3f6"/><text x="${L - 6}" y="${ly + 10}" text-anchor="end">${v.name}</text>`);
    });
    events.forEach(e => {
      const v = EVENT_KINDS[e.kind], cy = stripTop + v.lane * laneH + 6, cx = x(e.at);
      const shape = e.kind === 'alarm' ? `<rect x="${cx - 5}" y="${cy - 5}" width="10" height="10" transform="rotate(45 ${cx} ${cy})" fill="${v.color}"/>` : `<circle cx="${cx}" cy="${cy}" r="5" fill="${v.color}"/>`;
      parts.push(`<g class="event-marker" data-kind="${e.kind}">${shape}<title>${fmtTime(e.at)} · ${esc(e.title)}${e.detail ? ' · ' + esc(e.detail) : ''}</title></g>`);
    });
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${B}" y2="${B}" stroke="#cfd8dc"/>`);
    return `<svg class="chart" id="reservoir-svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="Reservoir estimate over time">${parts.join('')}</svg>`;
  }

  function catheterChart() {
    const T = 12, plotH = 140, B = T + plotH, H = B + 22;
    const y = p => T + plotH - p * plotH;
    const parts = [];
    [0, 0.25, 0.5, 0.75, 1].forEach(p => parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(p)}" y2="${y(p)}" stroke="#eef2f6"/><text x="${L - 6}" y="${y(p) + 4}" text-anchor="end">${p * 100}%</text>`));
    parts.push(xTicks(T, B));
    const pts = s.catheter;
    if (pts.length) {
      let d = `M${x(pts[0].at)},${y(pts[0].probability)}`;
      pts.slice(1).forEach(p => { d += ` H${x(p.at)} V${y(p.probability)}`; });
      d += ` H${x(Math.max(now, pts[pts.length - 1].at))}`;
      const area = d + ` V${y(0)} H${x(pts[0].at)} Z`;
      parts.push(`<path d="${area}" fill="${asAtExplant ? 'rgba(91,107,122,.10)' : 'rgba(230,81,0,.10)'}"/>`);
      parts.push(`<path d="${d}" fill="none" stroke="${alarmInk('var(--likely)')}" stroke-width="2.2"/>`);
      pts.forEach(p => {
        const ev = p.newEvidence.map(e => `${label(e.kind)} (${e.weight >= 0 ? '+' : ''}${e.weight.toFixed(2)}): ${e.detail}`).join('\n');
        parts.push(`<g class="catheter-point"><circle cx="${x(p.at)}" cy="${y(p.probability)}" r="${p.newEvidence.length ? 5 : 3}" fill="${p.newEvidence.length ? alarmInk('var(--likely)') : '#fff'}" stroke="${alarmInk('var(--likely)')}" stroke-width="1.5"/>
          <title>${fmtTime(p.at)}: ${pct(p.probability)}${p.suspectedKind ? ' · suspected ' + label(p.suspectedKind) : ''}${ev ? '\n' + esc(ev) : ''}</title></g>`);
        if (p.newEvidence.length) {
          parts.push(`<text x="${x(p.at) + 7}" y="${y(p.probability) - 7}" style="fill:${alarmInk('var(--likely)')}">${esc(label(p.newEvidence[p.newEvidence.length - 1].kind))}</text>`);
        }
      });
    }
    parts.push(nowLine(T, B));
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${B}" y2="${B}" stroke="#cfd8dc"/>`);
    return `<svg class="chart" id="catheter-svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="Catheter-fault likelihood over time">${parts.join('')}</svg>`;
  }

  // Evidence with its weight; history (a risk or a catheter likelihood nobody follows) keeps its weights but not their
  // alarm colour.
  const weightColor = (w, history) => history || w === 0 ? 'var(--muted)' : w > 0 ? 'var(--likely)' : 'var(--none)';
  const evidenceItems = (list, history = false) => list.length ? list.slice().reverse().map(e => `<li><span class="kind">${esc(label(e.kind))}</span><span>${esc(e.detail)}<div class="faint">${fmtTime(e.observedAt)}</div></span>
      <span class="num" style="font-weight:700;color:${weightColor(e.weight, history)}">${e.weight > 0 ? '+' : ''}${e.weight.toFixed(2)}</span></li>`).join('')
    : '<li><span class="faint">No evidence yet.</span></li>';

  // The twin's two risks. An explanted pump's are not followed (no alert is raised on them), but for a doubted
  // explant's, followed again since the doubt: a level nobody follows is shown as history,
  // its score and evidence kept, in no alarm colour, so an explanted pump never reads as "Overdose likely" now.
  function riskFollowing(k) {
    if (!r.explant) return '';
    const x = r.explant;
    const text = k.followed ? `followed again since ${fmtTime(x.doubtedSince)}` : `as at the explant ${fmtTime(x.at)}, not followed`;
    return `<div class="risk-following ${k.followed ? 'explant-doubt' : 'faint'}">${esc(text)}</div>`;
  }

  function riskLevel([name, cause, k]) {
    return `<div class="risk-level${k.followed ? '' : ' not-followed'}" data-risk="${cause}" data-followed="${k.followed}" style="margin-bottom:10px">
      <div style="display:flex;gap:8px;align-items:center;margin-bottom:6px"><b>${name}</b> ${k.followed ? pill(k.level) : pill(k.level, 'not-followed')} <span class="faint num">score ${k.score.toFixed(2)}${k.since ? ' · since ' + fmtTime(k.since) : ''}</span></div>
      ${riskFollowing(k)}<ul class="evidence-list">${evidenceItems(k.evidence, !k.followed)}</ul></div>`;
  }

  document.getElementById('reservoir-chart').innerHTML = reservoirChart();
  document.getElementById('catheter-chart').innerHTML = catheterChart();
  document.getElementById('catheter-evidence').innerHTML = evidenceItems(t.catheterEvidence, asAtExplant);
  document.getElementById('risk-evidence').innerHTML = [['Underdose / withdrawal', 'UNDERDOSE', t.underdose],
    ['Overdose', 'OVERDOSE', t.overdose]].map(riskLevel).join('');

  const refillEvents = s.refills.map(f => ({ kind: 'refill', at: f.at, title: `Refill: expected residual ${f.expectedResidualMl.toFixed(1)} mL, measured ${f.measuredResidualMl.toFixed(1)} mL`, detail: `filled ${f.filledVolumeMl.toFixed(1)} mL at ${f.concentrationMcgPerMl} mcg/mL, ${f.doseMcgPerDay} mcg/day${f.pocketFillSuspected ? ' · pocket fill suspected' : ''}` }));
  const icon = { alarm: ['!', '#c62828'], symptom: ['S', '#6a3fb5'], dose: ['D', '#1565c0'], check: ['C', '#00897b'], alert: ['A', '#e65100'], refill: ['R', '#34495e'] };
  const all = [...events, ...refillEvents].sort((a, b) => b.at - a.at);
  document.getElementById('timeline').innerHTML = all.length ? all.map(e => `<li data-kind="${e.kind}"><span class="icon" style="background:${icon[e.kind][1]}">${icon[e.kind][0]}</span>
      <span class="faint nowrap">${fmtTime(e.at)}</span><span><b>${esc(e.title)}</b>${e.detail ? `<div class="muted">${esc(e.detail)}</div>` : ''}</span></li>`).join('')
    : '<li><span></span><span></span><span class="faint">No events yet.</span></li>';

  const facts = [
    ['Twin as of', fmtTime(t.asOf)], ['Estimate σ', t.stdDevMl.toFixed(2) + ' mL'], ['Pump computes', ml(t.pumpComputedMl)],
    ['Last refill', fmtTime(t.lastRefillAt)], ['Battery reset', fmtTime(t.lastBatteryResetAt)],
    ['Advisory cohort', t.advisoryCohort ? 'yes (made before Aug 2011)' : 'no'], ['EOS projected', fmtDay(t.eosProjectedAt)],
    ['Model', `${t.modelVersion} · ${t.parameterSet}`]];
  document.getElementById('twin-facts').innerHTML = facts.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('');
  document.getElementById('pump-body').classList.remove('hidden');
  document.body.dataset.ready = 'true';
})();
