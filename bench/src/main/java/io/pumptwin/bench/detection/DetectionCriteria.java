package io.pumptwin.bench.detection;

import io.pumptwin.events.AlertType;
import io.pumptwin.events.TrueFaultKind;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What counts as catching a true condition and what counts as a false alert: the whole judgement of the
 * scorecard in one place, so a reviewer can disagree with one line rather than hunt through the arithmetic.
 *
 * <p>Alerts are judged at the alert level ({@code pump.alerts.v1}, what people see); each alert type maps one
 * to one to a twin event type, so the same figures hold for {@code pump.twin.events.v1}.
 */
final class DetectionCriteria {

    private DetectionCriteria() {
    }

    /**
     * Which alert types flag an injected fault, and how long after onset a flag still counts. A flag is an alert
     * of one of these types OPEN at any time in [onset, onset + window]; one already open at onset counts with
     * latency zero. Faults whose window reaches past the end of the run without a flag are censored (not counted).
     *
     * @param window why: relayed alarms must be out at once; catheter faults only show at the next refill residual
     *               or through late, noisy symptom reports (DOMAIN.md), so weeks are allowed.
     */
    record FaultRule(Set<AlertType> flaggedBy, Duration window) {
    }

    static FaultRule ruleFor(TrueFaultKind kind) {
        return switch (kind) {
            // Occlusion and kink show as a residual excess at the next refill; disconnection, leak and migration
            // only through symptoms and futile dose increases (DOMAIN.md, "Catheter faults").
            case CATHETER_KINK, CATHETER_OCCLUSION, CATHETER_DISCONNECTION, CATHETER_LEAK, CATHETER_MIGRATION ->
                    new FaultRule(EnumSet.of(AlertType.CATHETER_FAULT_SUSPECTED), Duration.ofDays(30));
            // Two-tone alarms logged by the pump itself: relayed, so within the hour; also on a pump recorded as
            // explanted against the wrong serial, whose retired twin is the only one to hear it (wrong-serial-explant-stall).
            case MOTOR_STALL, LOW_BATTERY_RESET, MEMORY_RESET ->
                    new FaultRule(EnumSet.of(AlertType.PUMP_CRITICAL_ALARM), Duration.ofHours(1));
            case BATTERY_END_OF_SERVICE -> new FaultRule(
                    EnumSet.of(AlertType.BATTERY_END_OF_SERVICE, AlertType.PUMP_CRITICAL_ALARM), Duration.ofHours(1));
            // A missed visit: the twin must say the refill is overdue, within 7 d or, when the reservoir still holds
            // more, by the time it truly reaches its alarm volume (MISSED_REFILL_UNTIL_ALARM_VOLUME). An empty
            // reservoir: the louder refill alert (or the underdose alert) must be up by the time it is empty
            // (REFILL_DUE lead is scored separately).
            case MISSED_REFILL -> new FaultRule(EnumSet.of(AlertType.REFILL_URGENT), Duration.ofDays(7));
            case RESERVOIR_EMPTY -> new FaultRule(
                    EnumSet.of(AlertType.REFILL_URGENT, AlertType.UNDERDOSE_WITHDRAWAL_RISK), Duration.ofHours(1));
            // Pocket fill: overdose signs within hours (DOMAIN.md "Overdose"; the scenario's description).
            case POCKET_FILL -> new FaultRule(EnumSet.of(AlertType.OVERDOSE_RISK), Duration.ofDays(3));
            // Wrong concentration: too strong overdoses, too weak underdoses; the undertreated picture is reported
            // days late (median 3 d in the simulator's patient model), so two weeks.
            case WRONG_CONCENTRATION -> new FaultRule(
                    EnumSet.of(AlertType.OVERDOSE_RISK, AlertType.UNDERDOSE_WITHDRAWAL_RISK), Duration.ofDays(14));
            // The home communicator going quiet: the twin's silent-pump alert. The window here is only the longest the
            // judge waits; an outage is judged by the silence it truly caused ({@link #SILENCE_IS_WHAT_ARRIVED}).
            case COMMUNICATOR_OFFLINE -> new FaultRule(EnumSet.of(AlertType.PUMP_SILENT), Duration.ofDays(30));
            // An explant recorded against the wrong serial retires the twin of a pump still in a patient: the twin must
            // doubt it (EXPLANT_DOUBTED) once the pump's own reports show it delivering. It waits a day by design (a
            // pump is read at and after its operation), then needs the pump's count to fall 0.05 mL below its last
            // figure before the explant: hours at usual doses, five days at the fleet's lowest (20 mcg/day of
            // 2000 mcg/mL, 0.01 mL/day). So a week; the simulator's clinics retract a wrong explant after 7 d at the
            // earliest, which clears the doubt.
            case WRONG_SERIAL_EXPLANT -> new FaultRule(EnumSet.of(AlertType.EXPLANT_DOUBTED), Duration.ofDays(7));
        };
    }

    /**
     * A missed refill visit counts as flagged when REFILL_URGENT is open by the later of 7 d after the visit and the
     * day the true reservoir reaches its low-reservoir alarm volume. Why: the twin sees no appointment book, only a
     * reservoir running down; a clinic that books refills weeks ahead misses a visit with weeks of drug left. A
     * "refill now" alert then would be exactly what {@link FalseAlertRule#REFILL_URGENT} counts false (true alarm
     * volume more than 14 d away): the judge demanded both. The clinical need is the louder alert before the pump
     * itself beeps at the alarm volume, and the empty reservoir is judged on its own (RESERVOIR_EMPTY).
     */
    static final boolean MISSED_REFILL_UNTIL_ALARM_VOLUME = true;

    /**
     * A refill alert (REFILL_DUE, REFILL_URGENT) is also true when the pump's own low-reservoir alarm comes within its
     * window: the day the volume the pump itself computes (programmed fill less what it believes it delivered, reported
     * in every status) reaches the alarm volume, actually or extrapolated at its programmed rate. Why: the pump does not
     * measure its reservoir (DOMAIN.md); it sounds its low-reservoir alarm at its computed volume, whatever the truth,
     * and a clinic refills before that alarm as well as before the drug runs short (the simulator's clinics answer the
     * alarm with a refill call). For a pump that delivers less than programmed the computed date comes first (a 20 mL
     * pump at 0.13 mL/d running 10% slow sounds it 16 d before its true volume reaches the alarm volume): the judge,
     * reading only the true volume, called false a refill-due alert that went out within 35 d of the pump's own alarm.
     * In a one-seed run (30 pumps, all scenarios) 21 of 32 false REFILL_DUE were such: slow pumps, most of them
     * before the twin had seen a fill and so before it could tell a slow pump from a fast one, and catheters occluded
     * so the drug stayed in the pump, where the visit is both needed for the alarm and where the excess residual shows
     * the fault.
     * The true volume still decides for pumps that run fast: the earlier of the two counts.
     */
    static final boolean REFILL_DUE_AT_PUMP_ALARM = true;

    /**
     * A refill need is noticed by whichever refill alert opens first: REFILL_DUE, or REFILL_URGENT ("refill now") when
     * the twin raises the louder one before the routine one (a pump first heard late in its cycle, a fill put in doubt),
     * and the twin then no longer raises REFILL_DUE beside it: one need, one page (PumpTwin, issue 6). The refill-due
     * lead and the safety goal (no reservoir empty without a notice at least the clinic's lead time ahead) are judged
     * on that first notice; a "refill now" is no weaker a notice than "refill due by".
     */
    static final boolean LOUDER_REFILL_ALERT_IS_A_NOTICE = true;

    /**
     * PUMP_SILENT's true condition is "a pump that stopped sending for good", and a pump whose explant the clinic
     * reported (PumpExplant telemetry, its last word) is not one: it left the patient, the clinic knows, and the twin
     * is right to say nothing more about it (an alert would page staff about a pump in a drawer). So the silence is
     * demanded only of pumps that went quiet with no explant reported: a battery run out with the pump still in the
     * patient, a home communicator unplugged. Why: before the contract had the explant, every replaced pump was such a
     * truth (52 in the full scorecard of 2026-12-03), and the twin met it only by projecting a pump that was gone,
     * which also raised refill alerts on it weeks later (4 false, issue 6); with the explant reported the twin retires
     * and the judge must not count that as a miss. A PUMP_SILENT alert that does open is still judged by
     * {@link FalseAlertRule#PUMP_SILENT}.
     */
    static final boolean EXPLANT_ENDS_THE_SILENCE_TRUTH = true;

    /**
     * An explant the clinic retracted (PumpExplantRetraction naming its event id: recorded against the wrong serial)
     * ends nothing from its retraction on: the pump is in a patient again as far as anyone knows, the twin is
     * reinstated, and its silences are demanded and its PUMP_SILENT alerts judged as on any implanted pump. While the
     * explant stood, the twin was retired and right to raise nothing but its doubt of the explant
     * ({@link FalseAlertRule#EXPLANT_DOUBTED}), so that span counts as after an explant
     * ({@link #EXPLANT_ENDS_THE_SILENCE_TRUTH}).
     */
    static final boolean A_RETRACTED_EXPLANT_STANDS_UNTIL_ITS_RETRACTION = true;

    /**
     * PUMP_SILENT's true condition is what truly arrived, not why: an implanted pump from which no telemetry at all
     * (status, alarm, a clinic's record, a symptom report) reached the platform for longer than the twin's silence time
     * ({@code TwinModelParameters.silentAfter}, 48 h) plus {@link #SILENCE_SWEEP_SLACK}. Each such span is one condition,
     * caught when a PUMP_SILENT alert is open within {@link #SILENCE_GRACE} after the silence time; latency counts from
     * the last record that arrived. Why not "the pump stopped sending for good": a pump in a patient whose home
     * communicator is lost or unplugged goes quiet for days and comes back (the simulator's COMMUNICATOR_OFFLINE), and
     * that is the case the alert exists for ("check the home communicator"); a pump gone for good is the same span
     * without an end. Why not the outage itself: the clinic's visit during an outage reaches telemetry from its own
     * programmer and the twin rightly hears the pump then, and an outage shorter than the silence time leaves nothing a
     * twin could call silent; such an outage is listed as not observable (the faults table), not as a miss. The span
     * after a reported explant is no condition ({@link #EXPLANT_ENDS_THE_SILENCE_TRUTH}); a span still running when the
     * run ends before its grace is over is not counted. A record arrived at its {@code receivedTime} when the simulator
     * sets it (a communicator's backlog, uploaded when its network is back: {@link #A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}),
     * else at its event time.
     */
    static final boolean SILENCE_IS_WHAT_ARRIVED = true;

    /**
     * What the pump itself reports, a critical alarm (stall, reset, end of service) and the stop of delivery that begins
     * with it, is judged from when the twin could first know of it: when the alarm arrived, if it came in a home
     * communicator's backlog (a communicator with no network keeps what it reads and uploads it late, stamped with
     * {@code receivedTime}), else from its onset as before. The relayed alarm must be out within the hour of the upload
     * (PUMP_CRITICAL_ALARM, {@link #ruleFor}); the stop's underdose alert must be open by
     * {@link #BACKLOG_GRADE_WINDOW} after the upload, and the latency counts from the upload (an alert the patient's
     * symptoms raised before it counts with latency zero). Why: nothing of a stored alarm reaches the platform before the
     * upload; a twin judged from the onset would be held to a clock it cannot see, and every such stop counted a miss
     * whatever the twin did. A stop over for longer than {@link #UNDERDOSE_GRACE_AFTER_RESUME} when it was uploaded left
     * nothing a twin could act on in its window: it is not observable, not a miss. A critical alarm relayed at the
     * upload is true when the alarm it relays was uploaded within the hour, though the stall may since have recovered.
     * Records of other devices (the clinic's programmer, the patient's therapy manager) are never stored: the onset rule
     * stands for everything else.
     */
    static final boolean A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD = true;

    /**
     * A critical alarm that never reached telemetry (raised while the home communicator was out of range of the pump, so
     * nothing read it and nothing uploads it late; or dropped from a full store) is judged from the first record that
     * did bring it, as a backlog is from its upload ({@link #A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}): the relayed alarm
     * (PUMP_CRITICAL_ALARM, {@link #ruleFor}) from the first status report of the pump that lists it among its active
     * alarms (the communicator back); the stop it began from that report or the clinic's rotor study finding the rotor
     * still, whichever arrived first, the underdose alert then due within {@link #BACKLOG_GRADE_WINDOW} at the grade the
     * stop's true age calls for, as a backlog's stop is. Why: the pump's only alarm is audible (DOMAIN.md); the patient
     * who hears it calls the clinic, and the clinic's answer (its rotor study, from its own programmer) is the first the
     * platform hears of the stall, hours to days after it (communicator-outage-stall); judged from the onset, every such
     * stall was a miss whatever the twin did. The clinic's own finding brings the stop but no relay: the clinic that did
     * the rotor study has nothing to be told. An alarm no record ever showed (the pump replaced before its communicator
     * came back, with no rotor study) is not observable, not a miss. An alarm that did reach telemetry is judged as
     * before, and so is every stop that began with no critical alarm.
     */
    static final boolean AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD = true;

    /**
     * How soon after a backlog's upload the stop in it must be flagged, and at what grade: within this long the
     * underdose alert must be open at no less than the grade the twin's own grading gives a certain stop as old as the
     * stop truly is by the upload, at the pump's programmed dose, with no symptom counted
     * ({@code UnderdoseRisk.assess} with one interruption of certainty 1 since the true stop). A stall three days old
     * at 400 mcg/day is URGENT on arrival, as it would have been had it been relayed; the same stall dated at the upload
     * (a stop of zero hours) is a WATCH. An hour: the relayed alarm's own window, and the twin grades the stop on the
     * record that brings it. The grade is the twin's rule read at the truth, not a second rule: the judge asks whether
     * the twin dated the stop right, not whether the thresholds are.
     */
    static final Duration BACKLOG_GRADE_WINDOW = Duration.ofHours(1);

    /** The twin checks for silence on an hourly stream-time grid: a span must outlast one step of it past the silence time. */
    static final Duration SILENCE_SWEEP_SLACK = Duration.ofHours(1);

    /** A PUMP_SILENT alert counts for a silence if it is open by this long after the silence time is reached. */
    static final Duration SILENCE_GRACE = Duration.ofHours(2);

    /**
     * Whether a fault left anything in telemetry within its detection window, so that a twin could have
     * flagged it. Only the pocket fill can be silent: drug injected into the tissue that is too little to
     * overdose the patient and was not suspected at the visit shows nothing until the reservoir, holding
     * less than the pump believes, runs dry; that consequence is judged as a RESERVOIR_EMPTY condition
     * (an urgent-refill or underdose alert by the time it is empty), and the scorecard lists such pocket
     * fills apart. A pocket fill is observable when the patient was overdosed within its window (signs
     * reported by the simulated patient); one the clinician flagged at the visit raises the overdose risk
     * at once and is never judged unobservable.
     */
    static boolean observable(TrueFaultKind kind, boolean overdoseInWindow) {
        return kind != TrueFaultKind.POCKET_FILL || overdoseInWindow;
    }

    /**
     * A true underdose condition: delivery to the spinal fluid truly stopped ({@code deliveryStoppedSince}) for at
     * least this long. Shorter stops (a stall that recovers within minutes) do not let the effect wear off: the
     * simulator's patient model uses a 10 h effect half-life, so no withdrawal signs develop in under 6 h.
     */
    static final Duration UNDERDOSE_MIN_STOP = Duration.ofHours(6);

    /** An UNDERDOSE_WITHDRAWAL_RISK alert still counts for a stop if it opens this long after delivery resumed. */
    static final Duration UNDERDOSE_GRACE_AFTER_RESUME = Duration.ofHours(24);

    /** An undetected stop this close to the end of the run is censored: the 24-72 h progression is not over. */
    static final Duration UNDERDOSE_CENSOR = Duration.ofHours(72);

    /**
     * An UNDERDOSE_WITHDRAWAL_RISK alert opened this long before delivery truly stops, and still open when it does, is
     * an early warning of that stop, not a false alert. Why: the twin raises the risk when the reservoir may already
     * be empty (an overdue refill: DOMAIN.md lists the missed refill first among underdose causes); its band cannot
     * time the last drop closer than days, and an alert that stands when the stop comes is the alert a nurse needed.
     * The judge allowed only the hour-late ground truth (1 d); an alert that clears before the stop still counts false.
     * A week, not 3 d: on a pump the twin has not yet seen filled the band is about +/- 2 mL at a quarter millilitre a
     * day, a week either way, and a week is the clinic's refill lead time. At 3 d, missed-refill underdose alerts that
     * opened at even odds 4 d before the last drop, stood through the withdrawal that followed and were that stop's
     * own catch in the recall, were counted false as well (issue 6: one alert scored both ways).
     */
    static final Duration UNDERDOSE_EARLY_WARNING = Duration.ofDays(7);

    /** An OVERDOSE_RISK alert counts for a true overdose episode if it opens within this long of its start. */
    static final Duration OVERDOSE_WINDOW = Duration.ofDays(3);

    /** A BATTERY_ERI alert counts for the pump's own ERI indicator if it is open within this long of it. */
    static final Duration ERI_WINDOW = Duration.ofDays(1);

    /**
     * False alerts: an OPENED alert with no matching true condition inside its tolerance window around the opening.
     * Windows look back because evidence arrives late (symptom reports, refill residuals) and a little forward
     * because the simulator's hourly ground truth may record an onset up to an hour after the alert.
     */
    enum FalseAlertRule {
        /**
         * REFILL_DUE: true when the real reservoir reaches the low-reservoir alarm volume (actually, or extrapolated
         * at its true rate if refilled first) within notice (14 d) + clinic lead (7 d) + 14 d of the opening, or the
         * alert is the drug-stability limit (the twin knows the fill date exactly, so that one is always true), or
         * the pump's own computed volume reaches it in that window ({@link #REFILL_DUE_AT_PUMP_ALARM}).
         */
        REFILL_DUE(Duration.ofDays(14 + 7 + 14)),
        /**
         * REFILL_URGENT: true when the real reservoir, or the pump's own computed volume
         * ({@link #REFILL_DUE_AT_PUMP_ALARM}), reaches the alarm volume within lead (7 d) + 7 d.
         */
        REFILL_URGENT(Duration.ofDays(14)),
        /**
         * UNDERDOSE_WITHDRAWAL_RISK: true when, from 3 d before to 1 d after the opening, delivery was truly
         * stopped, the patient was in withdrawal, or a fault that cuts the dose was active (catheter, motor,
         * reset, end of service, empty reservoir, wrong concentration); or when delivery truly stopped within
         * {@link #UNDERDOSE_EARLY_WARNING} after the opening while the alert was still open.
         */
        UNDERDOSE_WITHDRAWAL_RISK(Duration.ofDays(3)),
        /** CATHETER_FAULT_SUSPECTED: true when a catheter fault was active from 30 d before to 1 d after. */
        CATHETER_FAULT_SUSPECTED(Duration.ofDays(30)),
        /** OVERDOSE_RISK: true when the patient was overdosed, or a pocket fill or wrong concentration was active, from 3 d before to 1 d after. */
        OVERDOSE_RISK(Duration.ofDays(3)),
        /**
         * PUMP_CRITICAL_ALARM: true when a stall, reset or end of service was active within an hour either side, an
         * explant recorded or not: the ground truth of a pump truly explanted ends at its explant, so an alarm relayed
         * a day after one is false, while a pump whose explant was recorded against the wrong serial is still followed.
         * Also true when a critical alarm the pump raised reached telemetry in a backlog within the hour
         * ({@link #A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}).
         */
        PUMP_CRITICAL_ALARM(Duration.ofHours(1)),
        /** BATTERY_ERI: true when the pump's own ERI indicator comes within notice (60 d) + 30 d of the opening. */
        BATTERY_ERI(Duration.ofDays(90)),
        /** BATTERY_END_OF_SERVICE: true when the pump's ERI or EOS indicator comes within notice (30 d) + 30 d. */
        BATTERY_END_OF_SERVICE(Duration.ofDays(60)),
        /**
         * PUMP_SILENT: false when anything of the pump arrived within the twin's silence time (48 h) before the opening
         * (the pump was communicating), or its explant had been reported; the evaluation takes the silence time from
         * the twin's parameters, this window is its default.
         */
        PUMP_SILENT(Duration.ofHours(48)),
        /**
         * EXPLANT_DOUBTED: true when an explant recorded against the wrong serial (WRONG_SERIAL_EXPLANT) stood within an
         * hour either side of the opening (the hourly ground truth), the pump still in its patient.
         */
        EXPLANT_DOUBTED(Duration.ofHours(1));

        final Duration window;

        FalseAlertRule(Duration window) {
            this.window = window;
        }

        static FalseAlertRule of(AlertType type) {
            return valueOf(type.name());
        }
    }

    /** Faults that cut the dose reaching the spinal fluid. */
    static final Set<TrueFaultKind> UNDERDOSE_CAUSES = EnumSet.of(TrueFaultKind.CATHETER_KINK,
            TrueFaultKind.CATHETER_OCCLUSION, TrueFaultKind.CATHETER_DISCONNECTION, TrueFaultKind.CATHETER_LEAK,
            TrueFaultKind.CATHETER_MIGRATION, TrueFaultKind.MOTOR_STALL, TrueFaultKind.LOW_BATTERY_RESET,
            TrueFaultKind.MEMORY_RESET, TrueFaultKind.BATTERY_END_OF_SERVICE, TrueFaultKind.RESERVOIR_EMPTY,
            TrueFaultKind.WRONG_CONCENTRATION);

    /**
     * Faults that change the reservoir volume without the pump or the refill record saying so: drug kept in the pump
     * by a kink or occlusion, drug injected into the pocket. Fill cycles with one are left out of the band calibration
     * (their residual is the evidence the twin should find outside its band); stalls, resets and end of service are
     * logged by the pump, so the twin is expected to track those cycles and they stay in.
     */
    static final Set<TrueFaultKind> UNDISCLOSED_VOLUME_FAULTS = EnumSet.of(TrueFaultKind.CATHETER_KINK,
            TrueFaultKind.CATHETER_OCCLUSION, TrueFaultKind.POCKET_FILL);

    static final Set<TrueFaultKind> CATHETER_FAULTS = EnumSet.of(TrueFaultKind.CATHETER_KINK,
            TrueFaultKind.CATHETER_OCCLUSION, TrueFaultKind.CATHETER_DISCONNECTION, TrueFaultKind.CATHETER_LEAK,
            TrueFaultKind.CATHETER_MIGRATION);

    static final Set<TrueFaultKind> CRITICAL_ALARM_FAULTS = EnumSet.of(TrueFaultKind.MOTOR_STALL,
            TrueFaultKind.LOW_BATTERY_RESET, TrueFaultKind.MEMORY_RESET, TrueFaultKind.BATTERY_END_OF_SERVICE);

    static final Set<TrueFaultKind> OVERDOSE_CAUSES = EnumSet.of(TrueFaultKind.POCKET_FILL,
            TrueFaultKind.WRONG_CONCENTRATION);
}
