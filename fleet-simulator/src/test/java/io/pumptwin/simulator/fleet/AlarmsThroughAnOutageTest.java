package io.pumptwin.simulator.fleet;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.PumpExplant;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.simulator.fleet.SimulationRun.Timed;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches the clinic of a critical alarm the pump raises while its home communicator is offline. Every run here is
 * communicator-backlog-stall's: a third of the pumps lose their communicator on days 3-40 and each stalls for good within
 * the first day of it; the scenario's communicator is changed per test (out of range, or storing and forwarding).
 *
 * <p>The clinic's answer to the stall is its rotor study (a {@link CatheterCheck}) at the emergency visit. A check the
 * patient's symptom report or a refill's residual brought about is not the answer to the alarm: only the first check
 * after the stall with neither before it, the unprompted one, is.
 */
class AlarmsThroughAnOutageTest {

    private static final Scenario BACKLOG_STALL = new ScenarioLoader().load("communicator-backlog-stall");
    private static final Duration ANSWER_MIN = hours(BACKLOG_STALL.clinic().criticalAlarmResponseMinHours());
    private static final Duration ANSWER_MAX = hours(BACKLOG_STALL.clinic().criticalAlarmResponseMaxHours());

    /**
     * Out of range for good, and a patient who never notices the pump's alarm: nothing tells the clinic of the stall, so
     * it never answers it. It comes to the pump only on what the stall does to the patient (their report of the
     * withdrawal) or at a refill. Before the fix the clinic answered 2-48 h after the stall as if the alarm had been relayed.
     */
    @Test
    void aStallNobodyRelaysNorHearsIsNeverAnsweredAsAnAlarm() {
        SimulationRun run = SimulationRun.of(lostOutages(0.0, 0, 0, 0.0), 3);

        Map<String, Instant> stalls = stallsInOutages(run);
        for (var stall : stalls.entrySet()) {
            assertThat(unpromptedCheck(run, stall.getKey(), stall.getValue()))
                    .as("a clinic check of %s after its stall that no report or refill prompted", stall.getKey())
                    .isEmpty();
        }
        assertThat(run.telemetryByPump.values().stream().flatMap(List::stream)
                .filter(e -> e.getPayload() instanceof PumpAlarm a && a.getKind() == PumpAlarmKind.MOTOR_STALL))
                .as("stall alarms that reached telemetry").isEmpty();
    }

    /**
     * Out of range for good, and a patient who hears the pump's two-tone alarm and calls 12-72 h later: the clinic answers
     * counting from the call, so never sooner than 12 h + 2 h after the stall, always later than a relayed alarm's answer.
     */
    @Test
    void theClinicAnswersAnUnrelayedStallAfterThePatientsCall() {
        Scenario scenario = lostOutages(0.0, 0, 0, 1.0);
        SimulationRun run = SimulationRun.of(scenario, 3);
        Duration callMin = hours(scenario.patient().alarmCallMinHours());
        Duration callMax = hours(scenario.patient().alarmCallMaxHours());

        Map<String, Instant> stalls = stallsInOutages(run);
        int answered = 0;
        for (var stall : stalls.entrySet()) {
            Optional<Instant> check = unpromptedCheck(run, stall.getKey(), stall.getValue());
            if (check.isPresent()) {
                answered++;
                assertThat(Duration.between(stall.getValue(), check.get()))
                        .as("from the stall of %s to the clinic's answer", stall.getKey())
                        .isBetween(callMin.plus(ANSWER_MIN), callMax.plus(ANSWER_MAX).plusMinutes(15));
            }
        }
        assertThat(answered).as("stalls the clinic answered after the patient's call").isPositive();
    }

    /**
     * Out of range for 6-24 h, and a patient who never notices the alarm: the clinic hears of a stall inside the outage
     * when the communicator is back, from its first status report, which still lists the alarm, and answers 2-48 h after
     * that. (Short outages: in a longer one the patient's report of the withdrawal brings the clinic first.)
     */
    @Test
    void theClinicAnswersAnUnrelayedStallFromTheFirstReportAfterTheOutage() {
        SimulationRun run = SimulationRun.of(lostOutages(1.0, 0.25, 1.0, 0.0), 3);

        Map<String, Instant> stalls = stallsInOutages(run);
        int answered = 0;
        for (var stall : stalls.entrySet()) {
            String serial = stall.getKey();
            Instant offline = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE).get(serial);
            Instant back = run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, offline).orElseThrow();
            if (!stall.getValue().isBefore(back)) {
                continue; // the stall came after the outage: relayed as it happened
            }
            Timed<StatusReport> first = run.payloads(serial, StatusReport.class)
                    .stream().filter(s -> !s.time().isBefore(back)).findFirst().orElseThrow();
            assertThat(first.time()).as("first report of %s after the outage", serial).isEqualTo(back);
            assertThat(first.value().getActiveAlarms()).contains(PumpAlarmKind.MOTOR_STALL);
            Optional<Instant> check = unpromptedCheck(run, serial, stall.getValue());
            if (check.isPresent()) {
                answered++;
                assertThat(Duration.between(back, check.get())).as("from the return of %s to the clinic's answer", serial)
                        .isBetween(ANSWER_MIN, ANSWER_MAX.plusMinutes(15));
            }
        }
        assertThat(answered).as("stalls the clinic answered after the communicator was back").isPositive();
    }

    /**
     * A communicator with no network for 4-8 days, and a patient who hears the pump's two-tone alarm and calls 12-72 h
     * later: the pump beeps whether or not its communicator has a network, and the call comes first (the stall is in the
     * outage's first day, so the upload is more than 72 h after it). The clinic answers counting from the call, as
     * when the communicator is out of range: 14-120 h after the stall, some before the network is back. Before the
     * patient's call was modelled here, the clinic waited for the upload: 3-8 days after the stall, plus 2-48 h.
     */
    @Test
    void theClinicAnswersAStoredStallAfterThePatientsCallWhenItComesBeforeTheUpload() {
        Scenario scenario = storingOutages(4, 8, 1.0);
        SimulationRun run = SimulationRun.of(scenario, 3);
        Duration callMin = hours(scenario.patient().alarmCallMinHours());
        Duration callMax = hours(scenario.patient().alarmCallMaxHours());

        Map<String, Instant> stalls = stallsInOutages(run);
        int answered = 0;
        int answeredBeforeTheUpload = 0;
        for (var stall : stalls.entrySet()) {
            String serial = stall.getKey();
            Instant offline = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE).get(serial);
            Optional<Instant> back = run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, offline);
            Optional<Instant> check = unpromptedCheck(run, serial, stall.getValue());
            if (check.isEmpty()) {
                continue;
            }
            answered++;
            assertThat(Duration.between(stall.getValue(), check.get()))
                    .as("from the stall of %s to the clinic's answer", serial)
                    .isBetween(callMin.plus(ANSWER_MIN), callMax.plus(ANSWER_MAX).plusMinutes(15));
            // The network of a pump replaced on the call's answer comes back after its ground truth ended.
            if (back.isEmpty() || check.get().isBefore(back.get())) {
                answeredBeforeTheUpload++;
            }
        }
        assertThat(answered).as("stalls the clinic answered after the patient's call").isPositive();
        assertThat(answeredBeforeTheUpload).as("stalls the clinic answered before the upload").isPositive();
    }

    /**
     * A communicator with no network for 6-12 h, and a patient who calls 12-72 h after the alarm: the upload comes first
     * (the outage is over before the call), so the clinic answers counting from the upload, 2-48 h after it, as it did
     * before the call was modelled; the call that follows adds no answer of its own.
     */
    @Test
    void theClinicAnswersAStoredStallFromTheUploadWhenItComesBeforeTheCall() {
        SimulationRun run = SimulationRun.of(storingOutages(0.25, 0.5, 1.0), 3);

        Map<String, Instant> stalls = stallsInOutages(run);
        int answered = 0;
        for (var stall : stalls.entrySet()) {
            String serial = stall.getKey();
            Instant offline = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE).get(serial);
            Instant back = run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, offline).orElseThrow();
            if (!stall.getValue().isBefore(back)) {
                continue; // the stall came after the outage: relayed as it happened
            }
            Optional<Instant> check = unpromptedCheck(run, serial, stall.getValue());
            if (check.isPresent()) {
                answered++;
                assertThat(Duration.between(back, check.get())).as("from the upload of %s to the clinic's answer", serial)
                        .isBetween(ANSWER_MIN, ANSWER_MAX.plusMinutes(15));
            }
        }
        assertThat(answered).as("stalls the clinic answered after the upload").isPositive();
    }

    /**
     * A communicator with no network keeps the records of the pump that made them: a pump the clinic replaces during
     * the outage (its stall found at the patient's report) still has its stored records, the stall alarm among them,
     * uploaded under its own serial when the network is back, after its explant. Nothing it made is lost (its sequence
     * numbers run without a gap) and nothing else of it happens after the explant (its ground truth ends there).
     */
    @Test
    void aPumpReplacedDuringAnOutageStillHasItsStoreUploaded() {
        Scenario scenario = communicator(BACKLOG_STALL, new Scenario.CommunicatorModel(0, 1.0, 3, 8, true, 672));
        SimulationRun run = SimulationRun.of(scenario, 3);

        int replacedOffline = 0;
        for (var outage : run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE).entrySet()) {
            String serial = outage.getKey();
            List<TelemetryEnvelope> sent = run.telemetryByPump.get(serial);
            Optional<TelemetryEnvelope> explant = sent.stream().filter(e -> e.getPayload() instanceof PumpExplant)
                    .findFirst();
            List<GroundTruth> truth = run.truthByPump.get(serial);
            Optional<Instant> back = run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, outage.getValue());
            if (explant.isEmpty() || back.isPresent()) {
                continue; // not replaced, or replaced after the network came back (the outage ended in its truth)
            }
            replacedOffline++;
            Instant explantedAt = explant.get().getEventTime();
            assertThat(((PumpExplant) explant.get().getPayload()).getReason()).isEqualTo(ExplantReason.DEVICE_FAILURE);
            assertThat(truth.get(truth.size() - 1).getSimTime()).as("last truth of %s", serial).isEqualTo(explantedAt);

            List<TelemetryEnvelope> late = sent.stream().filter(e -> e.getReceivedTime() != null).toList();
            assertThat(late).as("records of %s uploaded after its explant", serial).isNotEmpty()
                    .allSatisfy(e -> {
                        assertThat(e.getSource()).isEqualTo(TelemetrySource.HOME_COMMUNICATOR);
                        assertThat(e.getPumpSerial()).isEqualTo(serial);
                        assertThat(e.getEventTime()).isAfterOrEqualTo(outage.getValue()).isBefore(explantedAt);
                        assertThat(e.getReceivedTime()).isAfter(explantedAt)
                                .isEqualTo(late.get(0).getReceivedTime());
                    });
            assertThat(sent.indexOf(late.get(0))).as("the upload of %s follows its explant", serial)
                    .isGreaterThan(sent.indexOf(explant.get()));
            assertThat(late).as("the stall alarm of %s in its upload", serial)
                    .anyMatch(e -> e.getPayload() instanceof PumpAlarm a && a.getKind() == PumpAlarmKind.MOTOR_STALL);
            List<Long> sequences = sent.stream().map(TelemetryEnvelope::getSequence).sorted().toList();
            for (int i = 0; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).as("sequence numbers of %s", serial).isEqualTo(i + 1L);
            }
            // The network came back within the outage's 3-8 days.
            assertThat(Duration.between(outage.getValue(), late.get(0).getReceivedTime()))
                    .isBetween(Duration.ofDays(3), Duration.ofDays(8).plusMinutes(15));
        }
        assertThat(replacedOffline).as("pumps replaced while their communicator had no network").isPositive();
    }

    /** The stalls of pumps whose communicator went offline, each inside its outage; at least six, as the scenario has. */
    private static Map<String, Instant> stallsInOutages(SimulationRun run) {
        Map<String, Instant> outages = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE);
        Map<String, Instant> stalls = run.onsets(TrueFaultKind.MOTOR_STALL);
        assertThat(outages).as("pumps whose communicator went offline").hasSizeGreaterThanOrEqualTo(6);
        assertThat(stalls.keySet()).as("stalled pumps, all of them offline").isEqualTo(outages.keySet());
        return stalls;
    }

    /** The clinic's first check of the pump after {@code stall} with no symptom report or refill between them. */
    private static Optional<Instant> unpromptedCheck(SimulationRun run, String serial, Instant stall) {
        Optional<Instant> check = run.payloads(serial, CatheterCheck.class).stream().map(Timed::time)
                .filter(t -> t.isAfter(stall)).min(Comparator.naturalOrder());
        if (check.isEmpty()) {
            return check;
        }
        boolean prompted = run.payloads(serial, SymptomReport.class).stream().map(Timed::time)
                .anyMatch(t -> t.isAfter(stall) && !t.isAfter(check.get()))
                || run.payloads(serial, RefillRecord.class).stream().map(Timed::time)
                .anyMatch(t -> t.isAfter(stall) && !t.isAfter(check.get()));
        return prompted ? Optional.empty() : check;
    }

    /**
     * communicator-backlog-stall with its communicators out of range instead of storing (nothing read, nothing uploaded
     * late): outages that end after {@code replugMinDays}-{@code replugMaxDays} with {@code replugProbability} (else
     * never), and patients who call about the pump's alarm with {@code callProbability}.
     */
    private static Scenario lostOutages(double replugProbability, double replugMinDays, double replugMaxDays,
                                        double callProbability) {
        return calling(communicator(BACKLOG_STALL, new Scenario.CommunicatorModel(0, replugProbability, replugMinDays,
                replugMaxDays)), callProbability);
    }

    /**
     * communicator-backlog-stall with every outage storing and ending after {@code minDays}-{@code maxDays}, and patients
     * who call about the pump's alarm with {@code callProbability}.
     */
    private static Scenario storingOutages(double minDays, double maxDays, double callProbability) {
        Scenario.CommunicatorModel c = BACKLOG_STALL.communicator();
        return calling(communicator(BACKLOG_STALL, new Scenario.CommunicatorModel(0, 1.0, minDays, maxDays, true,
                c.storeCapacity())), callProbability);
    }

    /** {@code s} with patients who call about the pump's alarm with {@code callProbability}. */
    private static Scenario calling(Scenario s, double callProbability) {
        Scenario.PatientModel p = s.patient();
        Scenario.PatientModel calling = new Scenario.PatientModel(p.effectHalfLifeHours(), p.requirementDriftPerYear(),
                p.controlledAshworthMin(), p.controlledAshworthMax(), p.untreatedAshworthMin(), p.untreatedAshworthMax(),
                p.underdoseRatio(), p.deprivationRatio(), p.advancedWithdrawalProbability(),
                p.severeWithdrawalProbability(), p.withdrawalReferenceDoseMcgPerDay(), p.overdoseRatio(),
                p.moderateOverdoseRatio(), p.severeOverdoseRatio(), p.pocketAbsorptionHalfLifeHours(),
                p.pocketCsfEquivalence(), p.spuriousReportsPerYear(), p.mildReportDelayMedianDays(),
                p.withdrawalReportDelayMedianHours(), p.severeReportDelayMedianHours(),
                p.overdoseReportDelayMedianHours(), p.reportDelayLogSd(), p.symptomRecall(),
                p.falseSymptomProbability(), p.ashworthNoiseSd(), p.reReportMinDays(), p.reReportMaxDays(),
                callProbability, p.alarmCallMinHours(), p.alarmCallMaxHours());
        return new Scenario(s.name(), s.description(), s.start(), s.durationDays(), s.fleetSize(),
                s.clinics(), s.statusCadenceMinutes(), s.groundTruthCadenceMinutes(), s.pumps(),
                s.battery(), s.clinic(), s.catheter(), s.motor(), calling, s.injections(),
                s.communicator());
    }

    private static Scenario communicator(Scenario s, Scenario.CommunicatorModel communicator) {
        return new Scenario(s.name(), s.description(), s.start(), s.durationDays(), s.fleetSize(), s.clinics(),
                s.statusCadenceMinutes(), s.groundTruthCadenceMinutes(), s.pumps(), s.battery(), s.clinic(),
                s.catheter(), s.motor(), s.patient(), s.injections(), communicator);
    }

    private static Duration hours(double h) {
        return Duration.ofMinutes(Math.round(h * 60));
    }
}
