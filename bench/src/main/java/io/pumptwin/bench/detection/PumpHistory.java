package io.pumptwin.bench.detection;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.FaultChange;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.events.TwinState;
import io.pumptwin.events.WithdrawalStage;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one simulated pump truly did and what the twin and the alerts said about it, compacted to the
 * fields the evaluation needs (a fleet-month of full records would not fit in a bench heap). Filled in
 * event-time order while the pipeline runs; read afterwards.
 */
final class PumpHistory {
    final String serial;
    final List<Truth> truth = new ArrayList<>();
    final List<Band> bands = new ArrayList<>();
    final List<Long> refills = new ArrayList<>();
    final List<Long> eriAlarms = new ArrayList<>();
    final List<Long> eosAlarms = new ArrayList<>();
    /** When each record of the pump arrived (its receivedTime if stored and uploaded late, else its event time), in order. */
    final List<Long> telemetryTimes = new ArrayList<>();
    /** The pump's critical alarms that arrived in a home communicator's backlog, in arrival order. */
    final List<LateAlarm> lateCriticalAlarms = new ArrayList<>();
    /** When each of the pump's critical alarms that reached telemetry at all (as it happened or late) was made. */
    final List<Long> criticalAlarmsMade = new ArrayList<>();
    /**
     * Other records that showed a critical alarm, for one that never reached telemetry itself
     * ({@link DetectionCriteria#AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD}): a status report listing a critical
     * alarm its previous report did not list (the pump's own word), and the clinic's rotor study finding the rotor still.
     */
    final List<AlarmNews> alarmNews = new ArrayList<>();
    private boolean lastStatusListedCritical;
    /** The dose the pump was programmed to, from its status reports by event time, at each change (minimal rate left out). */
    final NavigableMap<Long, Double> programmedDoses = new TreeMap<>();
    final List<AlertSpan> alerts = new ArrayList<>();
    /** The pump's own computed volume from its status reports, at most one an hour (the judge extrapolates between). */
    final List<PumpBelief> beliefs = new ArrayList<>();
    double lowReservoirAlarmMl = Double.NaN;
    /** The clinic's explant records (PumpExplant telemetry) in event-time order, each with its retraction if any. */
    final List<ExplantRecord> explants = new ArrayList<>();

    PumpHistory(String serial) {
        this.serial = serial;
    }

    /** One explant the clinic recorded, and when it retracted it (null while it stands). */
    static final class ExplantRecord {
        final String eventId;
        final long reportedAt;
        Long retractedAt;

        ExplantRecord(String eventId, long reportedAt) {
            this.eventId = eventId;
            this.reportedAt = reportedAt;
        }
    }

    void explantReported(String eventId, long at) {
        explants.add(new ExplantRecord(eventId, at));
    }

    /** The clinic retracted an explant by its event id; one it never recorded for this pump changes nothing. */
    void explantRetracted(String explantEventId, long at) {
        explants.stream().filter(x -> x.eventId.equals(explantEventId) && x.retractedAt == null).findFirst()
                .ifPresent(x -> x.retractedAt = at);
    }

    /**
     * When the explant standing at {@code t} was reported: recorded at or before {@code t} and not retracted by then
     * ({@link DetectionCriteria#A_RETRACTED_EXPLANT_STANDS_UNTIL_ITS_RETRACTION}); null when none stands.
     */
    Long explantStandingAt(long t) {
        for (int i = explants.size() - 1; i >= 0; i--) {
            ExplantRecord x = explants.get(i);
            if (x.reportedAt <= t && (x.retractedAt == null || x.retractedAt > t)) {
                return x.reportedAt;
            }
        }
        return null;
    }

    /** One ground-truth record. {@code aspiratedMl} is derived from the ledger identity filled = in + aspirated + out. */
    record Truth(long at, double reservoirMl, double filledMl, double aspiratedMl, double deliveredMl,
                 Set<TrueFaultKind> faults, FaultChange change, WithdrawalStage withdrawal, boolean overdose,
                 Long deliveryStoppedSince) {
        static Truth of(GroundTruth g) {
            Set<TrueFaultKind> faults = g.getActiveFaults().isEmpty() ? Set.of() : EnumSet.copyOf(g.getActiveFaults());
            return new Truth(g.getSimTime().toEpochMilli(), g.getTrueReservoirMl(), g.getCumulativeFilledMl(),
                    g.getCumulativeFilledMl() - g.getTrueReservoirMl() - g.getCumulativeDeliveredFromReservoirMl(),
                    g.getCumulativeDeliveredFromReservoirMl(), faults, g.getFaultChange(), g.getWithdrawalStage(),
                    g.getOverdose(), g.getDeliveryStoppedSince() == null ? null : g.getDeliveryStoppedSince().toEpochMilli());
        }
    }

    /**
     * What the pump itself computed at a status report: the volume it believes is left and the daily volume it is
     * programmed to deliver (0 at the minimal rate after a reset). The pump raises its low-reservoir alarm when this
     * computed volume reaches the alarm volume, whatever the true volume (DOMAIN.md).
     */
    record PumpBelief(long at, double computedMl, double programmedDailyMl) {
    }

    void onStatus(long at, double computedMl, double programmedDailyMl) {
        PumpBelief last = beliefs.isEmpty() ? null : beliefs.get(beliefs.size() - 1);
        if (last == null || at - last.at() >= DetectionEvaluation.HOUR || last.programmedDailyMl() != programmedDailyMl) {
            beliefs.add(new PumpBelief(at, computedMl, programmedDailyMl));
        }
    }

    /** A critical alarm the pump raised at {@code madeAt} that reached telemetry only at {@code arrivedAt}, in a backlog. */
    record LateAlarm(long madeAt, long arrivedAt) {
    }

    /**
     * A record made at {@code madeAt} and arrived at {@code arrivedAt} that shows a critical alarm or the stop it began:
     * the pump's own word ({@code pumpsOwnWord}: a status report listing the alarm) or the clinic's finding (a rotor study).
     */
    record AlarmNews(long madeAt, long arrivedAt, boolean pumpsOwnWord) {
    }

    /** A status report listed (or did not list) a critical alarm among its active ones: news when the last one did not. */
    void onStatusAlarms(long madeAt, long arrivedAt, boolean listsCritical) {
        if (listsCritical && !lastStatusListedCritical) {
            alarmNews.add(new AlarmNews(madeAt, arrivedAt, true));
        }
        lastStatusListedCritical = listsCritical;
    }

    /**
     * When the twin could first know of a critical alarm raised, or a stop begun, at {@code onset}
     * ({@link DetectionCriteria#A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}): the arrival of the pump's critical alarm made in
     * the hour either side of it when that alarm came in a backlog, else {@code onset}.
     */
    long learnedAt(long onset) {
        if (!DetectionCriteria.A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD) {
            return onset;
        }
        for (LateAlarm a : lateCriticalAlarms) {
            if (Math.abs(a.madeAt() - onset) <= DetectionEvaluation.HOUR) {
                return Math.max(onset, a.arrivedAt());
            }
        }
        return onset;
    }

    /**
     * When the twin could first know of a critical alarm the pump raised at {@code onset}
     * ({@link DetectionCriteria#AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD}), or of the stop it began
     * ({@code theStop}): as {@link #learnedAt} when the alarm reached telemetry, or when the pump raised none then;
     * else the arrival of the first record made since that shows it, the pump's own status report listing it, or, for
     * the stop, the clinic's rotor study as well; {@link Long#MAX_VALUE} when none ever arrived.
     */
    long knownAt(long onset, boolean theStop) {
        if (!DetectionCriteria.AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD
                || criticalAlarmsMade.stream().anyMatch(t -> Math.abs(t - onset) <= DetectionEvaluation.HOUR)
                || lateCriticalAlarms.stream().anyMatch(a -> Math.abs(a.madeAt() - onset) <= DetectionEvaluation.HOUR)
                || !raisedCriticalAlarmNear(onset)) {
            return learnedAt(onset);
        }
        long first = Long.MAX_VALUE;
        for (AlarmNews n : alarmNews) {
            if (n.madeAt() >= onset && (n.pumpsOwnWord() || theStop)) {
                first = Math.min(first, Math.max(onset, n.arrivedAt()));
            }
        }
        return first;
    }

    /** Whether a stall, reset or end of service began within the hour of {@code t} (the pump raised its alarm then). */
    private boolean raisedCriticalAlarmNear(long t) {
        for (Truth g : truth) {
            if (g.change() != null && g.change().getStarted()
                    && DetectionCriteria.CRITICAL_ALARM_FAULTS.contains(g.change().getKind())
                    && Math.abs(g.at() - t) <= DetectionEvaluation.HOUR) {
                return true;
            }
        }
        return false;
    }

    void onDose(long at, double doseMcgPerDay) {
        Map.Entry<Long, Double> before = programmedDoses.floorEntry(at);
        if (before == null || before.getValue() != doseMcgPerDay) {
            programmedDoses.put(at, doseMcgPerDay);
        }
    }

    /** The dose programmed at {@code t} by the pump's status reports (the first one known, before any); NaN if none. */
    double programmedDoseAt(long t) {
        Map.Entry<Long, Double> e = programmedDoses.floorEntry(t);
        if (e == null) {
            e = programmedDoses.firstEntry();
        }
        return e == null ? Double.NaN : e.getValue();
    }

    /** The twin's reservoir band as written on the twin-state topic. */
    record Band(long asOf, double meanMl, double stdDevMl, double lower95Ml, double upper95Ml, double dailyVolumeMl,
                Long lastRefillAt, DeliveryStatus delivery) {
        static Band of(TwinState s) {
            var r = s.getReservoir();
            return new Band(s.getAsOf().toEpochMilli(), r.getMeanMl(), r.getStdDevMl(), r.getLower95Ml(),
                    r.getUpper95Ml(), r.getDailyVolumeMl(), r.getLastRefillAt() == null ? null
                    : r.getLastRefillAt().toEpochMilli(), s.getDelivery());
        }
    }

    /** One alert from OPENED to RESOLVED (resolvedAt null while open at the end of the run). */
    static final class AlertSpan {
        final String alertId;
        final AlertType type;
        final long openedAt;
        final boolean drugStability;
        /** What the twin gave as evidence when the alert opened, so a reader of a false one can tell why it fired. */
        final String openingEvidence;
        Long resolvedAt;
        /** The risk level behind the alert from each time it changed (the opening's first), in time order. */
        final NavigableMap<Long, RiskLevel> levels = new TreeMap<>();

        AlertSpan(String alertId, AlertType type, long openedAt, boolean drugStability, String openingEvidence) {
            this.alertId = alertId;
            this.type = type;
            this.openedAt = openedAt;
            this.drugStability = drugStability;
            this.openingEvidence = openingEvidence;
        }

        boolean openAnyTimeIn(long from, long to) {
            return openedAt <= to && (resolvedAt == null || resolvedAt >= from);
        }

        /** The highest risk level the alert stood at while open in [from, to]; null when it was not open then. */
        RiskLevel highestLevelIn(long from, long to) {
            if (!openAnyTimeIn(from, to)) {
                return null;
            }
            long start = Math.max(from, openedAt);
            long end = resolvedAt == null ? to : Math.min(to, resolvedAt);
            Map.Entry<Long, RiskLevel> atStart = levels.floorEntry(start);
            RiskLevel highest = atStart == null ? null : atStart.getValue();
            for (RiskLevel l : levels.subMap(start, false, end, true).values()) {
                highest = highest == null || l.compareTo(highest) > 0 ? l : highest;
            }
            return highest;
        }
    }

    void onAlert(AlertEvent a) {
        if (a.getTransition() == AlertTransition.OPENED) {
            boolean stability = a.getEvidence().stream().anyMatch(e -> "DRUG_STABILITY".equals(e.getKind()));
            String evidence = a.getEvidence().stream().map(e -> e.getDetail() + " @" + e.getObservedAt()
                    + String.format(Locale.ROOT, " w%.2f", e.getWeight())).collect(Collectors.joining("; "));
            AlertSpan span = new AlertSpan(a.getAlertId(), a.getAlertType(), a.getEventTime().toEpochMilli(), stability,
                    evidence);
            span.levels.put(span.openedAt, a.getRiskLevel());
            alerts.add(span);
        } else if (a.getTransition() == AlertTransition.UPDATED) {
            for (int i = alerts.size() - 1; i >= 0; i--) {
                AlertSpan span = alerts.get(i);
                if (span.alertId.equals(a.getAlertId()) && span.resolvedAt == null) {
                    span.levels.put(a.getEventTime().toEpochMilli(), a.getRiskLevel());
                    break;
                }
            }
        } else if (a.getTransition() == AlertTransition.RESOLVED) {
            for (int i = alerts.size() - 1; i >= 0; i--) {
                AlertSpan span = alerts.get(i);
                if (span.alertId.equals(a.getAlertId()) && span.resolvedAt == null) {
                    span.resolvedAt = a.getEventTime().toEpochMilli();
                    break;
                }
            }
        }
    }

    List<AlertSpan> alertsOf(AlertType type) {
        return alerts.stream().filter(a -> a.type == type).toList();
    }

    long firstSeen() {
        return truth.isEmpty() ? 0 : truth.get(0).at();
    }

    long lastSeen() {
        return truth.isEmpty() ? 0 : truth.get(truth.size() - 1).at();
    }
}
