package io.pumptwin.simulator.fleet;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.ExplantRetractionReason;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.PumpExplant;
import io.pumptwin.events.PumpExplantRetraction;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.events.WithdrawalStage;
import io.pumptwin.simulator.fleet.SimulationRun.Timed;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Each shipped scenario shows the evidence DOMAIN.md says its fault leaves. */
class ScenarioSignaturesTest {

    @Test
    void occlusionLeavesALargerResidualByAboutTheVolumeNotDelivered() {
        SimulationRun run = SimulationRun.of("occlusion", 21, 150, null);
        Map<String, Instant> onsets = run.onsets(TrueFaultKind.CATHETER_OCCLUSION);
        assertThat(onsets).hasSizeGreaterThan(15);
        int checked = 0;
        for (var onset : onsets.entrySet()) {
            String serial = onset.getKey();
            Instant end = run.end(serial, TrueFaultKind.CATHETER_OCCLUSION, onset.getValue()).orElse(Instant.MAX);
            Optional<Timed<RefillRecord>> refill = run.payloads(serial, RefillRecord.class).stream()
                    .filter(r -> r.time().isAfter(onset.getValue()) && !r.time().isAfter(end)).findFirst();
            Optional<Timed<StatusReport>> atOnset = run.payloads(serial, StatusReport.class).stream()
                    .filter(s -> !s.time().isBefore(onset.getValue())).findFirst();
            if (refill.isEmpty() || atOnset.isEmpty()) {
                continue;
            }
            double notDelivered = atOnset.get().value().getPumpComputedReservoirMl() - refill.get().value().getExpectedResidualMl();
            double excess = refill.get().value().getMeasuredResidualMl() - refill.get().value().getExpectedResidualMl();
            // The pump's own error (+/-14.5%) on what it delivered before onset, and the syringe reading.
            assertThat(excess).as("excess residual of %s", serial)
                    .isBetween(0.8 * notDelivered - 1.5, 1.2 * notDelivered + 1.5);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
        // ...and the patient went without: underdose in the ground truth.
        long deprived = onsets.keySet().stream().filter(serial -> run.truthByPump.get(serial).stream()
                .anyMatch(g -> g.getWithdrawalStage() != WithdrawalStage.NONE)).count();
        assertThat(deprived).isGreaterThan(onsets.size() / 2);
    }

    @Test
    void silentDisconnectionLeavesANormalResidualButBringsSymptomsAndFutileDoseIncreases() {
        SimulationRun run = SimulationRun.of("silent-disconnection", 22, 150, null);
        Map<String, Instant> onsets = run.onsets(TrueFaultKind.CATHETER_DISCONNECTION);
        assertThat(onsets).hasSizeGreaterThan(15);
        int refillsDuringFault = 0;
        int withSymptoms = 0;
        int futileIncreases = 0;
        for (var onset : onsets.entrySet()) {
            String serial = onset.getKey();
            Instant end = run.end(serial, TrueFaultKind.CATHETER_DISCONNECTION, onset.getValue()).orElse(Instant.MAX);
            for (Timed<RefillRecord> refill : run.payloads(serial, RefillRecord.class)) {
                if (refill.time().isAfter(onset.getValue()) && refill.time().isBefore(end)) {
                    RefillRecord r = refill.value();
                    assertThat(Math.abs(r.getMeasuredResidualMl() - r.getExpectedResidualMl()))
                            .as("residual discrepancy of %s", serial).isLessThan(r.getFilledVolumeMl() * 0.15 + 1.0);
                    refillsDuringFault++;
                }
            }
            if (run.payloads(serial, SymptomReport.class).stream().anyMatch(s -> s.time().isAfter(onset.getValue())
                    && s.value().getSymptoms().contains(Symptom.SPASTICITY_RETURN))) {
                withSymptoms++;
            }
            for (Timed<PrescriptionChange> change : run.payloads(serial, PrescriptionChange.class)) {
                if (change.time().isAfter(onset.getValue()) && change.time().isBefore(end)
                        && change.value().getReason() == DoseChangeReason.SPASTICITY_NOT_CONTROLLED
                        && change.value().getNewDoseMcgPerDay() > change.value().getPreviousDoseMcgPerDay()) {
                    // Futile: a day later still nothing reaches the spinal fluid.
                    Instant dayLater = change.time().plus(Duration.ofDays(1));
                    Optional<GroundTruth> after = run.truthByPump.get(serial).stream()
                            .filter(g -> !g.getSimTime().isBefore(dayLater) && g.getSimTime().isBefore(end)).findFirst();
                    if (after.isPresent()) {
                        assertThat(after.get().getTrueDoseReachingCsfMcgPerDay()).isZero();
                        futileIncreases++;
                    }
                }
            }
        }
        assertThat(refillsDuringFault).isGreaterThan(5);
        assertThat(withSymptoms).isGreaterThan(onsets.size() / 2);
        assertThat(futileIncreases).isGreaterThan(onsets.size() / 2);
        // Drug left the pump but did not reach the spinal fluid.
        GroundTruth last = run.truthByPump.get(onsets.keySet().iterator().next()).get(0);
        assertThat(run.sink.groundTruth().stream().mapToDouble(GroundTruth::getCumulativeLeakedMl).max().orElse(0))
                .isGreaterThan(1.0);
        assertThat(last).isNotNull();
    }

    @Test
    void missedRefillEmptiesTheReservoirAndRaisesTheLowReservoirAlarm() {
        SimulationRun run = SimulationRun.of("missed-refill", 23, 150, null);
        Map<String, Instant> missed = run.onsets(TrueFaultKind.MISSED_REFILL);
        assertThat(missed).hasSizeGreaterThan(15);
        int emptied = 0;
        int lraFirst = 0;
        int withdrawal = 0;
        for (var onset : missed.entrySet()) {
            String serial = onset.getKey();
            List<GroundTruth> truth = run.truthByPump.get(serial);
            Optional<Instant> empty = truth.stream()
                    .filter(g -> g.getFaultChange() != null && g.getFaultChange().getKind() == TrueFaultKind.RESERVOIR_EMPTY
                            && g.getFaultChange().getStarted() && g.getSimTime().isAfter(onset.getValue()))
                    .map(GroundTruth::getSimTime).findFirst();
            if (empty.isPresent()) {
                emptied++;
                // The pump warned first (LRA at the programmed volume) unless it over-delivered enough that the
                // true reservoir ran dry while it still computed more than the alarm volume.
                boolean warned = run.payloads(serial, PumpAlarm.class).stream()
                        .anyMatch(a -> a.value().getKind() == PumpAlarmKind.LOW_RESERVOIR && a.time().isBefore(empty.get()));
                GroundTruth atEmpty = truth.stream().filter(g -> g.getSimTime().equals(empty.get())).findFirst().orElseThrow();
                assertThat(warned || atEmpty.getPumpComputedReservoirMl() > 2.0).as("LRA before %s ran empty", serial).isTrue();
                if (warned) {
                    lraFirst++;
                }
                assertThat(truth.stream().filter(g -> g.getActiveFaults().contains(TrueFaultKind.RESERVOIR_EMPTY))
                        .allMatch(g -> g.getTrueReservoirMl() == 0.0)).isTrue();
            }
            if (truth.stream().anyMatch(g -> g.getWithdrawalStage() != WithdrawalStage.NONE)) {
                withdrawal++;
            }
        }
        assertThat(emptied).isGreaterThan(missed.size() / 2);
        assertThat(lraFirst).isGreaterThan(emptied / 2);
        assertThat(withdrawal).isGreaterThan(missed.size() / 2);
    }

    @Test
    void batteryAdvisoryCohortResetsToTheMinimalRateAndNominalFleetDoesNot() {
        SimulationRun run = SimulationRun.of("battery-advisory", 24, 200, null);
        Map<String, Instant> resets = run.onsets(TrueFaultKind.LOW_BATTERY_RESET);
        assertThat(resets).hasSizeGreaterThan(10);
        assertThat(run.alarms(PumpAlarmKind.ELECTIVE_REPLACEMENT_INDICATOR)).isGreaterThan(5);
        for (var reset : resets.entrySet()) {
            Optional<Timed<PumpAlarm>> alarm = run.payloads(reset.getKey(), PumpAlarm.class).stream()
                    .filter(a -> a.value().getKind() == PumpAlarmKind.LOW_BATTERY_RESET).findFirst();
            assertThat(alarm).isPresent();
            assertThat(alarm.get().value().getCritical()).isTrue();
            Optional<Timed<StatusReport>> after = run.payloads(reset.getKey(), StatusReport.class).stream()
                    .filter(s -> s.time().equals(reset.getValue())).findFirst();
            if (after.isPresent()) {
                assertThat(after.get().value().getInfusionMode()).isEqualTo(InfusionMode.MINIMUM_RATE);
                assertThat(after.get().value().getActiveAlarms()).contains(PumpAlarmKind.LOW_BATTERY_RESET);
                // Only the cohort made before August 2011 resets this way (safety notice, DOMAIN.md).
                assertThat(after.get().value().getManufacturedOn()).isBefore(java.time.LocalDate.of(2011, 8, 1));
            }
        }
        SimulationRun nominal = SimulationRun.of("nominal-fleet", 24, 200, 60.0);
        assertThat(nominal.alarms(PumpAlarmKind.LOW_BATTERY_RESET)).isZero();
    }

    /**
     * A pump the clinic replaces (after its ERI, or at once after end of service or a motor that stalled for good) ends
     * with the clinic's explant record, naming why, and says nothing after it.
     */
    @Test
    void aReplacedPumpEndsWithTheClinicsExplantRecord() {
        SimulationRun run = SimulationRun.of("battery-advisory", 24, 120, null);
        int explanted = 0;
        for (var pump : run.telemetryByPump.entrySet()) {
            List<TelemetryEnvelope> events = pump.getValue();
            List<TelemetryEnvelope> explants = events.stream().filter(e -> e.getPayload() instanceof PumpExplant)
                    .toList();
            if (explants.isEmpty()) {
                continue;
            }
            explanted++;
            assertThat(explants).hasSize(1);
            TelemetryEnvelope explant = explants.get(0);
            assertThat(events.get(events.size() - 1)).as("last word of %s", pump.getKey()).isEqualTo(explant);
            assertThat(explant.getSource()).isEqualTo(TelemetrySource.CLINICIAN_PROGRAMMER);
            PumpExplant x = (PumpExplant) explant.getPayload();
            assertThat(x.getReplacementPumpSerial()).isNull();
            PumpAlarmKind why = switch (x.getReason()) {
                case ELECTIVE_REPLACEMENT -> PumpAlarmKind.ELECTIVE_REPLACEMENT_INDICATOR;
                case END_OF_SERVICE -> PumpAlarmKind.END_OF_SERVICE;
                case DEVICE_FAILURE -> PumpAlarmKind.MOTOR_STALL;
                default -> throw new AssertionError("the simulator's clinics replace for battery or motor only: " + x);
            };
            assertThat(run.payloads(pump.getKey(), PumpAlarm.class)).as("%s before the explant", why)
                    .anyMatch(a -> a.value().getKind() == why && a.time().isBefore(explant.getEventTime()));
            List<GroundTruth> truth = run.truthByPump.get(pump.getKey());
            assertThat(truth.get(truth.size() - 1).getSimTime()).isEqualTo(explant.getEventTime());
        }
        assertThat(explanted).isGreaterThanOrEqualTo(3);
    }

    @Test
    void motorStallIsLoggedStopsDeliveryAndLeavesTheReservoirFuller() {
        SimulationRun run = SimulationRun.of("motor-stall", 25, 200, null);
        Map<String, Instant> stalls = run.onsets(TrueFaultKind.MOTOR_STALL);
        assertThat(stalls).hasSizeGreaterThan(10);
        assertThat(run.alarms(PumpAlarmKind.MOTOR_STALL)).isGreaterThanOrEqualTo(stalls.size());
        assertThat(run.alarms(PumpAlarmKind.MOTOR_STALL_RECOVERED)).isPositive();
        for (var stall : stalls.entrySet()) {
            List<GroundTruth> during = run.truthByPump.get(stall.getKey()).stream()
                    .filter(g -> g.getActiveFaults().contains(TrueFaultKind.MOTOR_STALL)
                            && g.getSimTime().isAfter(stall.getValue()))
                    .toList();
            for (GroundTruth g : during) {
                assertThat(g.getTrueDoseReachingCsfMcgPerDay()).isZero();
            }
            for (int i = 1; i < during.size(); i++) {
                GroundTruth before = during.get(i - 1);
                GroundTruth now = during.get(i);
                if (now.getCumulativeFilledMl() == before.getCumulativeFilledMl()) {
                    // Between refills the true reservoir stays put while the pump counts down as if delivering.
                    assertThat(now.getTrueReservoirMl()).isEqualTo(before.getTrueReservoirMl());
                    assertThat(now.getPumpComputedReservoirMl()).isLessThanOrEqualTo(before.getPumpComputedReservoirMl());
                }
            }
        }
        long fuller = stalls.keySet().stream().filter(serial -> {
            List<GroundTruth> truth = run.truthByPump.get(serial);
            GroundTruth last = truth.get(truth.size() - 1);
            return last.getTrueReservoirMl() - last.getPumpComputedReservoirMl() > 1.0;
        }).count();
        assertThat(fuller).isPositive();
    }

    @Test
    void pocketFillBringsOverdoseSignsAndASmallerResidualNextTime() {
        SimulationRun run = SimulationRun.of("pocket-fill", 26, 200, null);
        Map<String, Instant> fills = run.onsets(TrueFaultKind.POCKET_FILL);
        assertThat(fills).hasSizeGreaterThan(10);
        int overdosed = 0;
        int smallerResidual = 0;
        int nextRefills = 0;
        for (var fill : fills.entrySet()) {
            String serial = fill.getKey();
            Instant within = fill.getValue().plus(Duration.ofHours(24));
            if (run.truthByPump.get(serial).stream().anyMatch(g -> g.getOverdose()
                    && !g.getSimTime().isBefore(fill.getValue()) && g.getSimTime().isBefore(within))) {
                overdosed++;
            }
            Optional<Timed<RefillRecord>> next = run.payloads(serial, RefillRecord.class).stream()
                    .filter(r -> r.time().isAfter(fill.getValue())).findFirst();
            if (next.isPresent()) {
                nextRefills++;
                if (next.get().value().getMeasuredResidualMl() < next.get().value().getExpectedResidualMl() - 2) {
                    smallerResidual++;
                }
            }
        }
        assertThat(overdosed).isGreaterThan(fills.size() * 3 / 4);
        assertThat(nextRefills).isPositive();
        assertThat(smallerResidual).isGreaterThan(nextRefills / 2);
    }

    @Test
    void wrongConcentrationBringsOverdoseOrUnderdoseWithTheReservoirAsComputed() {
        SimulationRun run = SimulationRun.of("wrong-concentration", 27, 200, null);
        Map<String, Instant> errors = run.onsets(TrueFaultKind.WRONG_CONCENTRATION);
        assertThat(errors).hasSizeGreaterThan(10);
        int over = 0;
        int under = 0;
        for (var error : errors.entrySet()) {
            String serial = error.getKey();
            Instant dayLater = error.getValue().plus(Duration.ofDays(1));
            Instant twoDaysLater = dayLater.plus(Duration.ofDays(1));
            // A day of hourly ground truth averages out flexible and bolus programs.
            List<GroundTruth> day = run.truthByPump.get(serial).stream()
                    .filter(g -> g.getFaultChange() == null && !g.getSimTime().isBefore(dayLater) && g.getSimTime().isBefore(twoDaysLater))
                    .toList();
            Optional<Timed<StatusReport>> status = run.payloads(serial, StatusReport.class).stream()
                    .filter(s -> !s.time().isBefore(dayLater)).findFirst();
            if (day.size() < 24 || status.isEmpty()
                    || !day.stream().allMatch(g -> g.getActiveFaults().equals(List.of(TrueFaultKind.WRONG_CONCENTRATION)))
                    || run.payloads(serial, PrescriptionChange.class).stream().anyMatch(c -> c.time().isAfter(error.getValue()) && c.time().isBefore(twoDaysLater))) {
                continue;
            }
            double trueDose = day.stream().mapToDouble(GroundTruth::getTrueDoseReachingCsfMcgPerDay).average().orElseThrow();
            double ratio = trueDose / status.get().value().getDoseMcgPerDay();
            // Concentrations 500/1000/2000 mcg/mL: a mix-up multiplies the dose by 2 or 4, or divides it.
            assertThat(Math.abs(ratio - 1)).as("true/programmed dose of %s", serial).isGreaterThan(0.4);
            if (ratio > 1) {
                over++;
            } else {
                under++;
            }
            // Volume is right: the pump's computation does not depend on the concentration.
            assertThat(Math.abs(day.get(0).getTrueReservoirMl() - day.get(0).getPumpComputedReservoirMl())).isLessThan(1.0);
        }
        assertThat(over).isPositive();
        assertThat(under).isPositive();
        long overdoseReports = errors.keySet().stream().filter(serial -> run.payloads(serial, SymptomReport.class).stream()
                .anyMatch(s -> s.value().getSymptoms().contains(Symptom.DROWSINESS))).count();
        assertThat(overdoseReports).isPositive();
    }
    /**
     * {@code s} with every injection kept at fraction 0, so each pump spends the same draws of its own generator and
     * nothing is injected, and with the {@code communicator} model given.
     */
    private static Scenario withoutInjections(Scenario s, Scenario.CommunicatorModel communicator) {
        return new Scenario(s.name(), s.description(), s.start(), s.durationDays(), s.fleetSize(), s.clinics(),
                s.statusCadenceMinutes(), s.groundTruthCadenceMinutes(), s.pumps(), s.battery(), s.clinic(),
                s.catheter(), s.motor(), s.patient(), s.injections().stream()
                .map(i -> new Scenario.FaultInjection(i.fault(), 0, i.fromDay(), i.toDay(), i.permanent(),
                        i.afterPrevious())).toList(),
                communicator);
    }

    @Test
    void aCommunicatorOutageSilencesTheHomeUplinkOnlyAndChangesNothingElse() {
        Scenario outages = new ScenarioLoader().load("communicator-outage");
        // The same scenario with every communicator always online: the injection stays with fraction 0, so it spends
        // the same draws of the pump's own generator and only the outages differ.
        Scenario online = withoutInjections(outages, Scenario.CommunicatorModel.ALWAYS_ONLINE);
        SimulationRun run = SimulationRun.of(outages, 3);
        SimulationRun reference = SimulationRun.of(online, 3);

        Map<String, Instant> onsets = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE);
        assertThat(onsets).as("pumps whose communicator went offline").hasSizeGreaterThanOrEqualTo(6);
        assertThat(reference.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE)).isEmpty();
        int replugged = 0;
        int clinicVisitsHeard = 0;
        for (String serial : run.truthByPump.keySet()) {
            List<Instant[]> outagesOfPump = new ArrayList<>();
            for (GroundTruth g : run.truthByPump.get(serial)) {
                if (g.getFaultChange() != null && g.getFaultChange().getKind() == TrueFaultKind.COMMUNICATOR_OFFLINE
                        && g.getFaultChange().getStarted()) {
                    Instant end = run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, g.getSimTime()).orElse(Instant.MAX);
                    outagesOfPump.add(new Instant[] {g.getSimTime(), end});
                }
            }
            // No critical alarm of the pump sounded inside an outage here: one that did would reach the clinic only by
            // the patient's call or after the outage, and change its answer (AlarmsThroughAnOutageTest).
            assertThat(reference.payloads(serial, PumpAlarm.class).stream()
                    .filter(a -> a.value().getCritical() && outagesOfPump.stream().anyMatch(o -> within(a.time(), o))))
                    .as("critical alarms of %s inside an outage", serial).isEmpty();
            // The pump, its patient and its clinic lived the same history: every hourly truth is the same but for the
            // outage itself.
            List<List<Object>> truth = run.truthByPump.get(serial).stream().filter(g -> g.getFaultChange() == null)
                    .map(ScenarioSignaturesTest::withoutOutage).toList();
            List<List<Object>> truthOnline = reference.truthByPump.get(serial).stream()
                    .filter(g -> g.getFaultChange() == null).map(ScenarioSignaturesTest::withoutOutage).toList();
            assertThat(truth).as("hourly ground truth of %s", serial).isEqualTo(truthOnline);
            // What reached telemetry is what would have, less the home communicator's records during an outage.
            List<TelemetryEnvelope> expected = reference.telemetryByPump.get(serial).stream()
                    .filter(e -> e.getSource() != TelemetrySource.HOME_COMMUNICATOR
                            || outagesOfPump.stream().noneMatch(o -> within(e.getEventTime(), o)))
                    .toList();
            List<TelemetryEnvelope> sent = run.telemetryByPump.get(serial);
            assertThat(sent.stream().map(e -> e.getEventTime() + " " + e.getSource() + " " + e.getPayload()).toList())
                    .as("telemetry of %s", serial)
                    .isEqualTo(expected.stream().map(e -> e.getEventTime() + " " + e.getSource() + " " + e.getPayload()).toList());
            for (Instant[] o : outagesOfPump) {
                clinicVisitsHeard += (int) sent.stream().filter(e -> within(e.getEventTime(), o)
                        && e.getSource() == TelemetrySource.CLINICIAN_PROGRAMMER).count();
                if (!o[1].equals(Instant.MAX)) {
                    replugged++;
                    // Back online: the next status report is the first step after the replug.
                    assertThat(run.payloads(serial, StatusReport.class).stream().map(Timed::time)
                            .filter(t -> !t.isBefore(o[1])).findFirst()).as("status after replug of %s", serial)
                            .hasValueSatisfying(t -> assertThat(Duration.between(o[1], t)).isLessThanOrEqualTo(Duration.ofMinutes(15)));
                }
            }
            // Sequence numbers stay gapless: nothing was numbered that was never sent.
            for (int i = 0; i < sent.size(); i++) {
                assertThat(sent.get(i).getSequence()).isEqualTo(i + 1L);
            }
        }
        assertThat(replugged).as("outages that ended with the communicator plugged back in").isPositive();
        assertThat(clinicVisitsHeard).as("clinic records that reached telemetry during an outage").isPositive();
    }

    @Test
    void aWrongSerialExplantIsRecordedAndLaterRetractedWhileThePumpGoesOnAsBefore() {
        Scenario wrong = new ScenarioLoader().load("wrong-serial-explant");
        // The same scenario without the wrong explants: the injection stays with fraction 0, so it spends the same
        // draws of the pump's own generator and only the clinic's two records differ.
        Scenario rightRecords = withoutInjections(wrong, wrong.communicator());
        SimulationRun run = SimulationRun.of(wrong, 3);
        SimulationRun reference = SimulationRun.of(rightRecords, 3);

        Map<String, Instant> onsets = run.onsets(TrueFaultKind.WRONG_SERIAL_EXPLANT);
        assertThat(onsets).as("pumps with an explant recorded against their serial").hasSizeGreaterThanOrEqualTo(5);
        assertThat(reference.onsets(TrueFaultKind.WRONG_SERIAL_EXPLANT)).isEmpty();
        int retracted = 0;
        for (String serial : run.truthByPump.keySet()) {
            List<TelemetryEnvelope> sent = run.telemetryByPump.get(serial);
            List<TelemetryEnvelope> explants = sent.stream().filter(e -> e.getPayload() instanceof PumpExplant).toList();
            List<TelemetryEnvelope> retractions = sent.stream()
                    .filter(e -> e.getPayload() instanceof PumpExplantRetraction).toList();
            Instant onset = onsets.get(serial);
            if (onset == null) {
                assertThat(explants).as("explants of %s, which stays implanted", serial).isEmpty();
                assertThat(retractions).as("retractions of %s", serial).isEmpty();
            } else {
                TelemetryEnvelope explant = explants.stream().filter(e -> e.getEventTime().equals(onset)).findFirst()
                        .orElseThrow(() -> new AssertionError("no explant of " + serial + " at its onset " + onset));
                assertThat(explant.getSource()).isEqualTo(TelemetrySource.CLINICIAN_PROGRAMMER);
                assertThat(((PumpExplant) explant.getPayload()).getReplacementPumpSerial()).isNull();
                Optional<Instant> end = run.end(serial, TrueFaultKind.WRONG_SERIAL_EXPLANT, onset);
                if (end.isPresent()) {
                    retracted++;
                    TelemetryEnvelope retraction = retractions.stream().filter(e -> e.getEventTime().equals(end.get()))
                            .findFirst().orElseThrow(() -> new AssertionError("no retraction of " + serial + " at " + end));
                    PumpExplantRetraction r = (PumpExplantRetraction) retraction.getPayload();
                    assertThat(r.getRetractedEventId()).as("the explant it retracts").isEqualTo(explant.getEventId());
                    assertThat(r.getReason()).isEqualTo(ExplantRetractionReason.WRONG_SERIAL);
                    assertThat(retraction.getSource()).isEqualTo(TelemetrySource.CLINICIAN_PROGRAMMER);
                    assertThat(Duration.between(onset, end.get())).isBetween(Duration.ofDays(7), Duration.ofDays(28));
                } else {
                    assertThat(retractions).as("retractions of %s, whose explant stands", serial).isEmpty();
                }
                // Still in the patient: status reports go on every 15 minutes through and after the explant.
                List<Instant> reports = run.payloads(serial, StatusReport.class).stream().map(Timed::time)
                        .filter(t -> t.isAfter(onset)).toList();
                assertThat(reports).as("status reports of %s after its wrong explant", serial).isNotEmpty();
                assertThat(Duration.between(onset, reports.get(0))).isLessThanOrEqualTo(Duration.ofMinutes(15));
            }
            // The pump, its patient and its clinic lived the same history: every hourly truth is the same but for the
            // wrong explant, and what reached telemetry is the same but for the clinic's explant and retraction.
            assertThat(run.truthByPump.get(serial).stream().filter(g -> g.getFaultChange() == null)
                    .map(g -> without(g, TrueFaultKind.WRONG_SERIAL_EXPLANT)).toList())
                    .as("hourly ground truth of %s", serial)
                    .isEqualTo(reference.truthByPump.get(serial).stream().filter(g -> g.getFaultChange() == null)
                            .map(g -> without(g, TrueFaultKind.WRONG_SERIAL_EXPLANT)).toList());
            assertThat(sent.stream().filter(e -> !(e.getPayload() instanceof PumpExplant)
                            && !(e.getPayload() instanceof PumpExplantRetraction))
                    .map(e -> e.getEventTime() + " " + e.getSource() + " " + e.getPayload()).toList())
                    .as("telemetry of %s besides the explant and its retraction", serial)
                    .isEqualTo(reference.telemetryByPump.get(serial).stream()
                            .map(e -> e.getEventTime() + " " + e.getSource() + " " + e.getPayload()).toList());
        }
        assertThat(retracted).as("wrong explants the clinic retracted").isPositive();
    }

    /**
     * wrong-serial-explant-stall's second injection follows the first ({@code afterPrevious}): the motor stalls for good
     * on exactly the pumps with an explant recorded against their serial, 3-6 d after it and while it stands (before any
     * retraction), so the twin that the explant retired is the only one that could relay the alarm. Every other pump
     * lives the history it would without either injection.
     */
    @Test
    void aMotorStallStrikesOnlyPumpsWhoseWrongSerialExplantStandsDaysAfterIt() {
        Scenario scenario = new ScenarioLoader().load("wrong-serial-explant-stall");
        SimulationRun run = SimulationRun.of(scenario, 3);
        SimulationRun reference = SimulationRun.of(withoutInjections(scenario, scenario.communicator()), 3);

        Map<String, Instant> explants = run.onsets(TrueFaultKind.WRONG_SERIAL_EXPLANT);
        assertThat(explants).as("pumps with an explant recorded against their serial").hasSizeGreaterThanOrEqualTo(5);
        int retractedAfterTheStall = 0;
        for (String serial : run.truthByPump.keySet()) {
            List<String> sent = described(run.telemetryByPump.get(serial), Instant.MAX);
            Instant explant = explants.get(serial);
            if (explant == null) {
                assertThat(sent).as("telemetry of %s, with no wrong explant and so no stall", serial)
                        .isEqualTo(described(reference.telemetryByPump.get(serial), Instant.MAX));
                continue;
            }
            Instant stall = run.truthByPump.get(serial).stream()
                    .filter(g -> g.getFaultChange() != null && g.getFaultChange().getKind() == TrueFaultKind.MOTOR_STALL
                            && g.getFaultChange().getStarted() && !g.getSimTime().isBefore(explant))
                    .map(GroundTruth::getSimTime).findFirst()
                    .orElseThrow(() -> new AssertionError("no motor stall after the wrong explant of " + serial));
            assertThat(Duration.between(explant, stall)).as("from the wrong explant of %s to its stall", serial)
                    .isBetween(Duration.ofDays(3), Duration.ofDays(6).plusMinutes(15));
            // The explant still stands: not retracted before the stall, and the ground truth carries both faults.
            Optional<Instant> retracted = run.end(serial, TrueFaultKind.WRONG_SERIAL_EXPLANT, explant);
            retracted.ifPresent(r -> assertThat(r).as("retraction of %s", serial).isAfter(stall));
            retractedAfterTheStall += retracted.isPresent() ? 1 : 0;
            assertThat(run.truthByPump.get(serial).stream().filter(g -> g.getSimTime().equals(stall)
                    && g.getFaultChange() != null && g.getFaultChange().getKind() == TrueFaultKind.MOTOR_STALL)
                    .findFirst().orElseThrow().getActiveFaults())
                    .contains(TrueFaultKind.WRONG_SERIAL_EXPLANT, TrueFaultKind.MOTOR_STALL);
            // The pump's own word, from the patient's home: a critical alarm at the stall, never a recovery.
            TelemetryEnvelope alarm = run.telemetryByPump.get(serial).stream()
                    .filter(e -> e.getPayload() instanceof PumpAlarm a && a.getKind() == PumpAlarmKind.MOTOR_STALL)
                    .findFirst().orElseThrow(() -> new AssertionError("no MOTOR_STALL alarm from " + serial));
            assertThat(alarm.getEventTime()).isEqualTo(stall);
            assertThat(alarm.getSource()).isEqualTo(TelemetrySource.HOME_COMMUNICATOR);
            assertThat(((PumpAlarm) alarm.getPayload()).getCritical()).isTrue();
            assertThat(run.payloads(serial, PumpAlarm.class)).as("alarms of %s", serial)
                    .noneMatch(a -> a.value().getKind() == PumpAlarmKind.MOTOR_STALL_RECOVERED);
            // Nothing reaches the spinal fluid from the stall on, for as long as the pump is followed.
            assertThat(run.truthByPump.get(serial).stream().filter(g -> g.getSimTime().isAfter(stall)))
                    .as("truth of %s after its stall", serial).isNotEmpty()
                    .allMatch(g -> g.getTrueDoseReachingCsfMcgPerDay() == 0.0);
            // Until the stall the pump lived the same history as without the injections, but for the explant record.
            assertThat(described(run.telemetryByPump.get(serial), stall).stream()
                    .filter(d -> !d.contains("PumpExplant")).toList()).as("telemetry of %s before its stall", serial)
                    .isEqualTo(described(reference.telemetryByPump.get(serial), stall));
        }
        assertThat(retractedAfterTheStall).as("wrong explants retracted, each after the stall").isPositive();
    }

    /**
     * A communicator with no network (communicator-backlog-stall's {@code storeAndForward}) loses nothing and changes
     * nothing: what it uploads when the network is back is exactly what it would have sent as it happened, the same
     * records with the same event times, sequence numbers and event ids, in the pump's order, only late and stamped with
     * the upload as their {@code receivedTime}. The run keeps the outages and drops the stalls (fraction 0, so every
     * pump spends the same draws); the reference has neither.
     */
    @Test
    void aCommunicatorWithNoNetworkUploadsLateExactlyWhatItWouldHaveSent() {
        Scenario scenario = new ScenarioLoader().load("communicator-backlog-stall");
        Scenario outagesOnly = withoutInjection(scenario, TrueFaultKind.MOTOR_STALL);
        SimulationRun run = SimulationRun.of(outagesOnly, 3);
        SimulationRun reference = SimulationRun.of(withoutInjections(scenario, scenario.communicator()), 3);

        Map<String, Instant> onsets = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE);
        assertThat(onsets).as("pumps whose communicator lost its network").hasSizeGreaterThanOrEqualTo(6);
        int late = 0;
        for (String serial : run.truthByPump.keySet()) {
            List<TelemetryEnvelope> sent = run.telemetryByPump.get(serial);
            Instant offline = onsets.get(serial);
            Instant back = offline == null ? null : run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, offline)
                    .orElseThrow(() -> new AssertionError("the network of " + serial + " never came back"));
            for (TelemetryEnvelope e : sent) {
                if (e.getReceivedTime() == null) {
                    assertThat(offline != null && within(e.getEventTime(), new Instant[] {offline, back})
                            && e.getSource() == TelemetrySource.HOME_COMMUNICATOR)
                            .as("a home record of %s at %s sent while the network was down", serial, e.getEventTime())
                            .isFalse();
                    continue;
                }
                late++;
                assertThat(e.getSource()).isEqualTo(TelemetrySource.HOME_COMMUNICATOR);
                assertThat(e.getReceivedTime()).as("upload of %s", serial).isEqualTo(back);
                assertThat(within(e.getEventTime(), new Instant[] {offline, back})).isTrue();
            }
            if (offline != null) {
                assertThat(Duration.between(offline, back)).isBetween(Duration.ofDays(1), Duration.ofDays(4).plusMinutes(15));
            }
            // The pump's own records, in its own order: nothing lost, nothing renumbered, only late.
            List<TelemetryEnvelope> bySequence = sent.stream()
                    .sorted(java.util.Comparator.comparingLong(TelemetryEnvelope::getSequence))
                    .map(e -> new TelemetryEnvelope(e.getEventId(), e.getPumpSerial(), e.getPatientPseudonym(),
                            e.getClinicId(), e.getEventTime(), e.getSequence(), e.getSource(), null, e.getPayload()))
                    .toList();
            assertThat(bySequence).as("telemetry of %s by sequence, upload time aside", serial)
                    .isEqualTo(reference.telemetryByPump.get(serial));
            // The pump, its patient and its clinic lived the same history but for the outage.
            assertThat(run.truthByPump.get(serial).stream().filter(g -> g.getFaultChange() == null)
                    .map(ScenarioSignaturesTest::withoutOutage).toList()).as("hourly ground truth of %s", serial)
                    .isEqualTo(reference.truthByPump.get(serial).stream().filter(g -> g.getFaultChange() == null)
                            .map(ScenarioSignaturesTest::withoutOutage).toList());
        }
        assertThat(late).as("records uploaded late").isGreaterThan(6 * 96);
    }

    /**
     * The communicator's store is bounded ({@code communicator.storeCapacity}): an outage that outlasts it uploads the
     * newest records it could keep, the oldest dropped and never sent; everything else is as with a store large enough.
     */
    @Test
    void aFullStoreDropsItsOldestRecords() {
        Scenario scenario = withoutInjection(new ScenarioLoader().load("communicator-backlog-stall"),
                TrueFaultKind.MOTOR_STALL);
        Scenario.CommunicatorModel c = scenario.communicator();
        int capacity = 96; // a day of 15-minute reports, shorter than every outage here
        Scenario small = new Scenario(scenario.name(), scenario.description(), scenario.start(), scenario.durationDays(),
                scenario.fleetSize(), scenario.clinics(), scenario.statusCadenceMinutes(),
                scenario.groundTruthCadenceMinutes(), scenario.pumps(), scenario.battery(), scenario.clinic(),
                scenario.catheter(), scenario.motor(), scenario.patient(), scenario.injections(),
                new Scenario.CommunicatorModel(c.outagesPerYear(), c.replugProbability(), c.replugMinDays(),
                        c.replugMaxDays(), true, capacity));
        SimulationRun run = SimulationRun.of(small, 3);
        SimulationRun large = SimulationRun.of(scenario, 3);

        int dropped = 0;
        for (String serial : large.telemetryByPump.keySet()) {
            List<TelemetryEnvelope> late = large.telemetryByPump.get(serial).stream()
                    .filter(e -> e.getReceivedTime() != null).toList();
            List<TelemetryEnvelope> kept = late.subList(Math.max(0, late.size() - capacity), late.size());
            dropped += late.size() - kept.size();
            List<TelemetryEnvelope> expected = large.telemetryByPump.get(serial).stream()
                    .filter(e -> e.getReceivedTime() == null || kept.contains(e)).toList();
            assertThat(run.telemetryByPump.get(serial)).as("telemetry of %s with a store of %d", serial, capacity)
                    .isEqualTo(expected);
        }
        assertThat(dropped).as("records dropped from full stores").isPositive();
    }

    /**
     * communicator-backlog-stall: on every pump whose communicator lost its network the motor stalls for good within the
     * first day; the stall's critical alarm and the reports that show delivery stopped reach telemetry only in the
     * backlog, when the network is back, one to four days later. The clinic answers that alarm only once it has heard of
     * it: before the upload only the patient can bring the clinic to the pump, by their report of the withdrawal or by
     * their call about the pump's beeping (patient.alarmCall*, answered 12 + 2 h after the stall at the soonest).
     */
    @Test
    void aStallInsideAnOutageReachesTelemetryInTheBacklogAndTheClinicAnswersItFromTheUpload() {
        Scenario scenario = new ScenarioLoader().load("communicator-backlog-stall");
        SimulationRun run = SimulationRun.of(scenario, 3);

        Map<String, Instant> outages = run.onsets(TrueFaultKind.COMMUNICATOR_OFFLINE);
        Map<String, Instant> stalls = run.onsets(TrueFaultKind.MOTOR_STALL);
        assertThat(outages).as("pumps whose communicator lost its network").hasSizeGreaterThanOrEqualTo(6);
        assertThat(stalls.keySet()).as("stalled pumps, all of them offline").isEqualTo(outages.keySet());
        int answeredAfterTheUpload = 0;
        for (var outage : outages.entrySet()) {
            String serial = outage.getKey();
            Instant stall = stalls.get(serial);
            Instant back = run.end(serial, TrueFaultKind.COMMUNICATOR_OFFLINE, outage.getValue()).orElseThrow();
            assertThat(Duration.between(outage.getValue(), stall)).as("from the outage of %s to its stall", serial)
                    .isBetween(Duration.ZERO, Duration.ofDays(1));
            assertThat(stall).isBefore(back);
            Instant soonestCallAnswer = stall.plus(Duration.ofMinutes(Math.round(60
                    * (scenario.patient().alarmCallMinHours() + scenario.clinic().criticalAlarmResponseMinHours()))));
            TelemetryEnvelope alarm = run.telemetryByPump.get(serial).stream()
                    .filter(e -> e.getPayload() instanceof PumpAlarm a && a.getKind() == PumpAlarmKind.MOTOR_STALL)
                    .findFirst().orElseThrow(() -> new AssertionError("no MOTOR_STALL alarm from " + serial));
            assertThat(alarm.getEventTime()).isEqualTo(stall);
            assertThat(alarm.getReceivedTime()).as("the stall alarm of %s arrives with the backlog", serial)
                    .isEqualTo(back);
            assertThat(((PumpAlarm) alarm.getPayload()).getCritical()).isTrue();
            List<TelemetryEnvelope> stalledReports = run.telemetryByPump.get(serial).stream()
                    .filter(e -> e.getPayload() instanceof StatusReport && e.getEventTime().isAfter(stall)
                            && e.getEventTime().isBefore(back)).toList();
            assertThat(stalledReports).as("reports of %s after its stall, in the backlog", serial).isNotEmpty()
                    .allSatisfy(e -> {
                        assertThat(e.getReceivedTime()).isEqualTo(back);
                        assertThat(((StatusReport) e.getPayload()).getActiveAlarms()).contains(PumpAlarmKind.MOTOR_STALL);
                    });
            // The clinic's rotor study before the upload only after the patient's own report of the withdrawal, or
            // answering their call, which comes no sooner than alarmCallMinHours after the alarm.
            List<Timed<SymptomReport>> reports = run.payloads(serial, SymptomReport.class);
            for (Timed<CatheterCheck> check : run.payloads(serial, CatheterCheck.class)) {
                if (check.time().isAfter(stall) && check.time().isBefore(back) && check.time().isBefore(soonestCallAnswer)) {
                    assertThat(reports).as("a report of %s before its clinic's check at %s", serial, check.time())
                            .anyMatch(r -> r.time().isAfter(stall) && r.time().isBefore(check.time()));
                }
            }
            Optional<Instant> firstCheck = run.payloads(serial, CatheterCheck.class).stream().map(Timed::time)
                    .filter(t -> t.isAfter(stall)).findFirst();
            if (firstCheck.isPresent() && !firstCheck.get().isBefore(back.plus(Duration.ofHours(2)))
                    && !firstCheck.get().isAfter(back.plus(Duration.ofHours(48)))) {
                answeredAfterTheUpload++;
            }
        }
        assertThat(answeredAfterTheUpload).as("stalls the clinic first checked 2-48 h after the upload").isPositive();
    }

    /** {@code s} with the injection of {@code kind} kept at fraction 0: every pump spends the same draws, none struck. */
    private static Scenario withoutInjection(Scenario s, TrueFaultKind kind) {
        return new Scenario(s.name(), s.description(), s.start(), s.durationDays(), s.fleetSize(), s.clinics(),
                s.statusCadenceMinutes(), s.groundTruthCadenceMinutes(), s.pumps(), s.battery(), s.clinic(),
                s.catheter(), s.motor(), s.patient(), s.injections().stream()
                .map(i -> i.fault() != kind ? i : new Scenario.FaultInjection(i.fault(), 0, i.fromDay(), i.toDay(),
                        i.permanent(), i.afterPrevious())).toList(),
                s.communicator());
    }

    /** Each record before {@code before}: its time, source, payload type and payload. */
    private static List<String> described(List<TelemetryEnvelope> events, Instant before) {
        return events.stream().filter(e -> e.getEventTime().isBefore(before))
                .map(e -> e.getEventTime() + " " + e.getSource() + " " + e.getPayload().getClass().getSimpleName() + " "
                        + e.getPayload()).toList();
    }

    private static boolean within(Instant t, Instant[] outage) {
        return !t.isBefore(outage[0]) && t.isBefore(outage[1]);
    }

    /** A truth record's every value, its active faults without the outage. */
    private static List<Object> withoutOutage(GroundTruth g) {
        return without(g, TrueFaultKind.COMMUNICATOR_OFFLINE);
    }

    /** A truth record's every value, its active faults without {@code kind}. */
    private static List<Object> without(GroundTruth g, TrueFaultKind kind) {
        return List.of(g.getSimTime(), g.getTrueReservoirMl(), g.getPumpComputedReservoirMl(), g.getCumulativeFilledMl(),
                g.getCumulativeDeliveredFromReservoirMl(), g.getCumulativeReachedCsfMl(), g.getCumulativeLeakedMl(),
                g.getTrueDoseReachingCsfMcgPerDay(), g.getTrueBatteryPercent(), g.getActiveFaults().stream()
                        .filter(k -> k != kind).toList(), g.getWithdrawalStage(),
                g.getOverdose(), String.valueOf(g.getDeliveryStoppedSince()));
    }
}
