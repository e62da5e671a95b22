package io.pumptwin.simulator.fleet;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.CatheterCheckMethod;
import io.pumptwin.events.CatheterCheckResult;
import io.pumptwin.events.CatheterFaultKind;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.ExplantRetractionReason;
import io.pumptwin.events.FaultChange;
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
import io.pumptwin.events.SymptomReporter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.simulator.catheter.CatheterFault;
import io.pumptwin.simulator.clinic.ClinicAction;
import io.pumptwin.simulator.clinic.ClinicAction.AlarmCall;
import io.pumptwin.simulator.clinic.ClinicAction.CatheterCheckVisit;
import io.pumptwin.simulator.clinic.ClinicAction.CatheterRevision;
import io.pumptwin.simulator.clinic.ClinicAction.DoseReview;
import io.pumptwin.simulator.clinic.ClinicAction.EmergencyVisit;
import io.pumptwin.simulator.clinic.ClinicAction.InjectedFault;
import io.pumptwin.simulator.clinic.ClinicAction.PumpReplacement;
import io.pumptwin.simulator.clinic.ClinicAction.RefillError;
import io.pumptwin.simulator.clinic.ClinicAction.RefillKind;
import io.pumptwin.simulator.clinic.ClinicAction.RefillVisit;
import io.pumptwin.simulator.clinic.ClinicAction.SymptomReportDue;
import io.pumptwin.simulator.clinic.ClinicAction.WrongExplantRetraction;
import io.pumptwin.simulator.output.EventIds;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.patient.ClinicalPicture;
import io.pumptwin.simulator.patient.Patient;
import io.pumptwin.simulator.pump.Battery;
import io.pumptwin.simulator.pump.InfusionProgram;
import io.pumptwin.simulator.pump.Nanolitres;
import io.pumptwin.simulator.pump.ReservoirLedger;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.Scenario.ClinicPolicy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One implanted pump, its catheter, its patient and the clinic caring for them, advanced in simulated time
 * steps. Everything random comes from this pump's own generator, seeded from the run seed and the pump's
 * index, so a pump's history does not depend on the rest of the fleet or on thread scheduling. Nothing
 * here reads a wall clock or does I/O: output goes to the {@link SimulationSink} passed to {@link #tick}.
 *
 * <p>The state is mutable for speed (a fleet of 100,000 pumps advances millions of steps), but it only
 * changes through the physics and the clinic's actions; there are no setters.
 */
public final class SimulatedPump {
    static final long HOUR_MS = 3_600_000L;
    static final long DAY_MS = 24 * HOUR_MS;
    private static final double[] CONCENTRATIONS = {500, 1000, 2000};

    private final Scenario scenario;
    private final ClinicPolicy clinic;
    private final long runSeed;
    private final int index;
    private final String serial;
    private final String pseudonym;
    private final String clinicId;
    private final SplittableRandom random;
    /**
     * The home communicator's own generator: its outages draw nothing from {@link #random}, so a scenario's outage rate
     * leaves every other event of the pump, its patient and its clinic as it was.
     */
    private final SplittableRandom communicatorRandom;
    /**
     * The clinic's record-keeping errors' own generator (when a wrong explant is noticed): like the communicator's, it
     * leaves every other draw of the pump's history as it was.
     */
    private final SplittableRandom recordsRandom;
    /**
     * Whether and when the patient calls about the pump's alarm that no communicator relayed as it sounded (out of range,
     * or kept in a store): its own generator too, so the call leaves every other draw as it was, outages included.
     */
    private final SplittableRandom alarmCallRandom;
    private final long stepMs;
    private final long startMs;
    private final long groundTruthEveryMs;

    private final int capacityMl;
    private final long capacityNl;
    private final double lowReservoirAlarmMl;
    private final long lowReservoirAlarmNl;
    private final double deliveryError;
    private final boolean patientBoluses;
    private LocalDate manufacturedOn;

    private final ReservoirLedger ledger = new ReservoirLedger();
    private final Battery battery;
    private final Patient patient;
    private final PriorityQueue<Scheduled> agenda = new PriorityQueue<>();
    private final EnumSet<TrueFaultKind> activeFaults = EnumSet.noneOf(TrueFaultKind.class);
    private final EnumSet<PumpAlarmKind> activeAlarms = EnumSet.noneOf(PumpAlarmKind.class);
    private final PumpTally tally = new PumpTally();

    private InfusionProgram program;
    /** Concentration the clinic prescribes; the drug actually in the reservoir may differ after an error. */
    private double prescribedConcentration;
    private double drugConcentration;
    private InfusionProgram programBeforeReset;
    private long computedNl;
    private double rotorCarryNl;
    private double refillJitter;

    private CatheterFault catheterFault;
    private long nextCatheterOnsetMs;
    private boolean motorStalled;
    private boolean motorPermanent;
    private long motorRecoversAtMs = Long.MAX_VALUE;
    private long nextMotorStallMs;
    private boolean stallSinceLastRefill;
    private long nextMemoryResetMs;
    private TrueFaultKind resetActive;

    private boolean communicatorOffline;
    private long communicatorBackAtMs = Long.MAX_VALUE;
    private long nextCommunicatorOutageMs;
    /**
     * What a communicator with no network has read from the pump and not yet uploaded, oldest first, at most
     * {@code communicator.storeCapacity} records (empty unless the scenario's communicators store and forward).
     */
    private final ArrayDeque<Kept> communicatorStore = new ArrayDeque<>();
    /**
     * The clinic's answer to a critical alarm raised while the communicator stored it: the delay it draws, counted from
     * whichever brings the alarm to the clinic first, the upload or the patient's call (the shortest, when several alarms
     * wait); none when MAX_VALUE.
     */
    private long responseDelayAfterUploadMs = Long.MAX_VALUE;
    /**
     * The clinic's answer to a critical alarm raised while the communicator was out of range, which reached nobody but
     * the patient: the delay it draws, counted from when the clinic hears of it (the patient's call, or the first status
     * report once the communicator is back); none when MAX_VALUE. The alarms themselves are {@link #unrelayedAlarms}.
     */
    private long responseDelayOnceHeardMs = Long.MAX_VALUE;
    private final EnumSet<PumpAlarmKind> unrelayedAlarms = EnumSet.noneOf(PumpAlarmKind.class);

    private long sequence;
    private long agendaOrder;
    private long refillGeneration;
    private long plannedRefillAtMs = Long.MAX_VALUE;
    private boolean emergencyPending;
    private boolean replacementScheduled;
    private boolean retired;

    private ClinicalPicture reportedPicture = ClinicalPicture.WELL;
    private long nextReReportMs = Long.MAX_VALUE;
    private int reportsPending;
    private long nextSpuriousReportMs;
    private double episodeStartDose;
    private int episodeIncreases;
    private long lastUnderdoseReviewMs = Long.MIN_VALUE;
    private boolean checkPending;

    private double lastCsfMcgPerDay;
    private Long deliveryStoppedSinceMs;

    SimulatedPump(Scenario scenario, long runSeed, int index, long startMs) {
        this.scenario = scenario;
        this.clinic = scenario.clinic();
        this.runSeed = runSeed;
        this.index = index;
        this.random = new SplittableRandom(EventIds.mix(runSeed ^ EventIds.mix(index + 0x5DEECE66DL)));
        this.communicatorRandom = new SplittableRandom(EventIds.mix(runSeed ^ EventIds.mix(index + 0x2545F4914F6CDD1DL)));
        this.recordsRandom = new SplittableRandom(EventIds.mix(runSeed ^ EventIds.mix(index + 0x7F4A7C159E3779B9L)));
        this.alarmCallRandom = new SplittableRandom(EventIds.mix(runSeed ^ EventIds.mix(index + 0x3C6EF372FE94F82BL)));
        this.stepMs = scenario.stepMillis();
        this.startMs = startMs;
        this.groundTruthEveryMs = scenario.groundTruthCadenceMinutes() * 60_000L;
        this.serial = String.format("SIM%07d", index);
        this.pseudonym = String.format("PT-%016x", EventIds.mix(runSeed * 31 + index));
        this.clinicId = String.format("clinic-%03d", random.nextInt(scenario.clinics()) + 1);

        Scenario.PumpPopulation population = scenario.pumps();
        this.capacityMl = random.nextDouble() < population.reservoir40Fraction() ? 40 : 20;
        this.capacityNl = Nanolitres.fromMl(capacityMl);
        this.lowReservoirAlarmMl = population.lowReservoirAlarmMl();
        this.lowReservoirAlarmNl = Nanolitres.fromMl(lowReservoirAlarmMl);
        this.deliveryError = drawDeliveryError(population);
        this.refillJitter = random.nextGaussian() * population.refillJitterSd();
        this.patientBoluses = random.nextDouble() < population.patientBolusFraction();

        double dose = clamp(population.doseMedianMcgPerDay() * Math.exp(random.nextGaussian() * population.doseLogSd()),
                population.doseMinMcgPerDay(), population.doseMaxMcgPerDay());
        dose = Math.round(dose * 10) / 10.0;
        this.prescribedConcentration = chooseConcentration(population, dose);
        this.drugConcentration = prescribedConcentration;
        InfusionMode mode = pick(population.infusionModeMix());
        this.program = new InfusionProgram(mode, dose, prescribedConcentration, population.minimumRateMlPerDay());

        // The dose was titrated to control spasticity: the need sits a little below it.
        double requirement = dose * uniform(0.85, 1.0);
        PatientModelDraw draw = new PatientModelDraw(scenario.patient(), random);
        double steadyEffect = dose * (1 + deliveryError + refillJitter);
        this.patient = new Patient(scenario.patient(), requirement, steadyEffect, draw.controlled(), draw.untreated());

        this.battery = initialBattery(scenario.battery(), startMs);
        initialReservoirAndSchedule(startMs);
        drawHazardTimes(startMs);
        this.episodeStartDose = program.doseMcgPerDay();
    }

    // ---------------------------------------------------------------------------------------------------
    // Initial state

    private double chooseConcentration(Scenario.PumpPopulation population, double dose) {
        double drawn = Double.parseDouble(pick(population.concentrationMix()));
        double usableMl = capacityMl - lowReservoirAlarmMl;
        double chosen = drawn;
        for (double candidate : population.concentrationMix().keySet().stream().mapToDouble(Double::parseDouble).sorted().toArray()) {
            if (candidate >= drawn) {
                chosen = candidate;
                if (usableMl / (dose / candidate) >= population.preferredMinRefillIntervalDays()) {
                    break;
                }
            }
        }
        return chosen;
    }

    private double drawDeliveryError(Scenario.PumpPopulation population) {
        // Rejection keeps the error inside the labeled tolerance (DOMAIN.md: +/-14.5%).
        for (int i = 0; i < 100; i++) {
            double e = population.deliveryErrorMean() + random.nextGaussian() * population.deliveryErrorSd();
            if (Math.abs(e) <= population.deliveryErrorLimit()) {
                return e;
            }
        }
        return population.deliveryErrorMean();
    }

    private Battery initialBattery(Scenario.BatteryModel model, long nowMs) {
        Scenario.PumpPopulation population = scenario.pumps();
        double ageDays = uniform(population.implantAgeMinYears(), population.implantAgeMaxYears()) * 365.25;
        double leadDays = uniform(population.manufactureLeadMinDays(), population.manufactureLeadMaxDays());
        long manufacturedMs = nowMs - (long) ((ageDays + leadDays) * DAY_MS);
        manufacturedOn = LocalDate.ofInstant(Instant.ofEpochMilli(manufacturedMs), ZoneOffset.UTC);
        boolean advisory = manufacturedMs < model.advisoryCutoff().toEpochMilli();
        double capacity = advisory ? 100 * uniform(model.advisoryCapacityMin(), model.advisoryCapacityMax()) : 100;
        double perDay = Battery.drainPerDay(model, program.dailyVolumeMl());
        // A pump whose battery would already be past ERI was replaced earlier: its age wraps around.
        double usableDays = (capacity - perDay * model.eriDaysBeforeEos()) / perDay;
        if (usableDays > 0 && ageDays > usableDays) {
            ageDays = ageDays % usableDays;
        }
        return new Battery(model, capacity, advisory, capacity - perDay * ageDays);
    }

    private void initialReservoirAndSchedule(long nowMs) {
        // Mid-cycle: the last refill was some time ago; its delivery so far is settled analytically.
        double intervalDays = refillIntervalDays(capacityMl);
        double elapsedDays = random.nextDouble() * intervalDays;
        Scenario.FaultInjection missed = null;
        long missedAt = 0;
        List<Scenario.FaultInjection> injections = scenario.injections();
        List<InjectedFault> injected = new ArrayList<>();
        boolean previousApplied = false;
        long previousAt = nowMs;
        for (Scenario.FaultInjection injection : injections) {
            // Every injection consumes the same draws whether or not it applies, to keep pumps independent.
            boolean drawn = random.nextDouble() < injection.fraction();
            long from = injection.followsPrevious() ? previousAt : nowMs;
            long at = snapUp(from + (long) (uniform(injection.fromDay(), injection.toDay()) * DAY_MS));
            boolean applies = drawn && (!injection.followsPrevious() || previousApplied);
            previousApplied = applies;
            previousAt = at;
            if (!applies) {
                continue;
            }
            if (injection.fault() == TrueFaultKind.MISSED_REFILL) {
                missed = injection;
                missedAt = at;
            } else {
                injected.add(new InjectedFault(at, injection.fault(), Boolean.TRUE.equals(injection.permanent())));
            }
        }
        if (missed != null) {
            // The visit that is missed is the one due at onset: the last refill was an interval before it.
            elapsedDays = Math.max(0, intervalDays - (missedAt - nowMs) / (double) DAY_MS);
        }
        long fillNl = capacityNl;
        ledger.fill(fillNl);
        double dailyMl = program.dailyVolumeMl();
        long believed = Nanolitres.fromMl(dailyMl * elapsedDays);
        long moved = Nanolitres.fromMl(dailyMl * elapsedDays * (1 + deliveryError + refillJitter));
        computedNl = Math.max(0, fillNl - believed);
        ledger.pumpOut(moved, 0);
        long lastRefillMs = nowMs - (long) (elapsedDays * DAY_MS);
        long plannedAt = missed != null ? missedAt
                : snapUp(Math.max(nowMs + stepMs, clinicHours(lastRefillMs + (long) (intervalDays * DAY_MS))));
        refillGeneration++;
        plannedRefillAtMs = plannedAt;
        schedule(new RefillVisit(plannedAt, RefillKind.PLANNED, RefillError.NONE, missed != null, refillGeneration));
        injected.forEach(this::schedule);
    }

    private void drawHazardTimes(long nowMs) {
        nextCatheterOnsetMs = nextOnset(nowMs, scenario.catheter().faultsPerYear());
        nextMotorStallMs = nextOnset(nowMs, scenario.motor().stallsPerYear());
        nextMemoryResetMs = nextOnset(nowMs, scenario.battery().memoryResetsPerYear());
        nextSpuriousReportMs = nextOnset(nowMs, scenario.patient().spuriousReportsPerYear());
        nextCommunicatorOutageMs = nextOnset(nowMs, scenario.communicator().outagesPerYear(), communicatorRandom);
    }

    private long nextOnset(long fromMs, double perYear) {
        return nextOnset(fromMs, perYear, random);
    }

    private static long nextOnset(long fromMs, double perYear, SplittableRandom random) {
        if (perYear <= 0) {
            return Long.MAX_VALUE;
        }
        double years = -Math.log(1 - random.nextDouble()) / perYear;
        return years > 1000 ? Long.MAX_VALUE : fromMs + (long) (years * 365.25 * DAY_MS);
    }

    // ---------------------------------------------------------------------------------------------------
    // The step

    /** Advances this pump from {@code nowMs} by one step, emitting what happens to {@code sink}. */
    void tick(long nowMs, SimulationSink sink) {
        if (retired) {
            uploadAfterExplant(nowMs, sink);
            return;
        }
        runAgenda(nowMs, sink);
        if (retired) {
            return;
        }
        hazards(nowMs, sink);
        communicator(nowMs, sink);
        if (!battery.eos()) {
            status(nowMs, sink);
        }
        if ((nowMs - startMs) % groundTruthEveryMs == 0) {
            groundTruth(nowMs, null, sink);
        }
        deliver(nowMs, nowMs + stepMs, sink);
    }

    private void runAgenda(long nowMs, SimulationSink sink) {
        while (!retired && !agenda.isEmpty() && agenda.peek().action().atMillis() <= nowMs) {
            ClinicAction action = agenda.poll().action();
            if (action instanceof RefillVisit visit) {
                refillVisit(nowMs, visit, sink);
            } else if (action instanceof SymptomReportDue report) {
                symptomReport(nowMs, report, sink);
            } else if (action instanceof DoseReview review) {
                doseReview(nowMs, review, sink);
            } else if (action instanceof AlarmCall) {
                clinicHearsUnrelayedAlarm(nowMs);
            } else if (action instanceof EmergencyVisit visit) {
                emergencyVisit(nowMs, visit, sink);
            } else if (action instanceof CatheterCheckVisit check) {
                catheterCheck(nowMs, check.method(), sink);
            } else if (action instanceof CatheterRevision) {
                catheterRevision(nowMs, sink);
            } else if (action instanceof PumpReplacement) {
                replace(nowMs, sink);
            } else if (action instanceof WrongExplantRetraction retraction) {
                retractWrongExplant(nowMs, retraction, sink);
            } else if (action instanceof InjectedFault fault) {
                inject(nowMs, fault, sink);
            }
        }
    }

    private void hazards(long nowMs, SimulationSink sink) {
        if (catheterFault == null && nowMs >= nextCatheterOnsetMs) {
            TrueFaultKind kind = pick(scenario.catheter().mix());
            startCatheterFault(nowMs, kind, false, sink);
        } else if (catheterFault != null && catheterFault.resolvesSpontaneously() && nowMs >= catheterFault.resolvesAtMillis()) {
            endCatheterFault(nowMs, sink);
        }
        if (!motorStalled && nowMs >= nextMotorStallMs) {
            startMotorStall(nowMs, random.nextDouble() >= scenario.motor().recoveryProbability(), sink);
        } else if (motorStalled && !motorPermanent && nowMs >= motorRecoversAtMs) {
            motorStalled = false;
            motorRecoversAtMs = Long.MAX_VALUE;
            activeAlarms.remove(PumpAlarmKind.MOTOR_STALL);
            alarm(nowMs, PumpAlarmKind.MOTOR_STALL_RECOVERED, false, "motor resumed", sink);
            endFault(nowMs, TrueFaultKind.MOTOR_STALL, sink);
            nextMotorStallMs = nextOnset(nowMs, scenario.motor().stallsPerYear());
        }
        if (nowMs >= nextMemoryResetMs) {
            nextMemoryResetMs = nextOnset(nowMs, scenario.battery().memoryResetsPerYear());
            reset(nowMs, TrueFaultKind.MEMORY_RESET, sink);
        }
        if (battery.advisory() && !battery.eos() && Math.floorMod(nowMs, DAY_MS) == 0) {
            // The resistive film makes sudden resets more likely as the battery depletes (safety notice).
            double perDay = scenario.battery().advisoryResetsPerYear() / 365.25 * (0.5 + 2 * battery.depletion());
            if (random.nextDouble() < perDay) {
                reset(nowMs, TrueFaultKind.LOW_BATTERY_RESET, sink);
            }
        }
        if (nowMs >= nextSpuriousReportMs) {
            nextSpuriousReportMs = nextOnset(nowMs, scenario.patient().spuriousReportsPerYear());
            reportsPending++;
            schedule(new SymptomReportDue(nowMs, ClinicalPicture.UNDERTREATED, nowMs - (long) (uniform(1, 5) * DAY_MS), true));
        }
    }

    /**
     * A background outage of the home communicator begins, or an outage ends when the patient plugs it back in (or the
     * network comes back, when the communicator stores and forwards: it then uploads what it kept).
     */
    private void communicator(long nowMs, SimulationSink sink) {
        if (!communicatorOffline && nowMs >= nextCommunicatorOutageMs) {
            startCommunicatorOutage(nowMs, false, sink);
        } else if (communicatorOffline && nowMs >= communicatorBackAtMs) {
            communicatorOffline = false;
            communicatorBackAtMs = Long.MAX_VALUE;
            endFault(nowMs, TrueFaultKind.COMMUNICATOR_OFFLINE, sink);
            uploadStored(nowMs, sink);
            if (!battery.eos() && unrelayedAlarms.stream().anyMatch(activeAlarms::contains)) {
                // This step's status report, the first since the outage, lists the alarm among the active ones.
                clinicHearsUnrelayedAlarm(nowMs);
            }
            nextCommunicatorOutageMs = nextOnset(nowMs, scenario.communicator().outagesPerYear(), communicatorRandom);
        }
    }

    /** Whether the home communicator is keeping what it reads for a later upload (offline, storing and forwarding). */
    private boolean storing() {
        return communicatorOffline && scenario.communicator().storeAndForward();
    }

    /**
     * The network is back: the communicator uploads what it kept, in the order the pump made it, each record with its
     * own event time, sequence number and event id, stamped as received now. The clinic hears of a critical alarm that
     * waited in the store now, unless the patient's call brought it first, and answers it after the delay it drew when
     * the alarm was raised.
     */
    private void uploadStored(long nowMs, SimulationSink sink) {
        uploadStore(nowMs, sink);
        if (responseDelayAfterUploadMs != Long.MAX_VALUE) {
            scheduleEmergency(nowMs + responseDelayAfterUploadMs, ClinicalPicture.WELL);
            responseDelayAfterUploadMs = Long.MAX_VALUE;
        }
    }

    /**
     * The clinic replaced the pump while its communicator had no network: the communicator still holds the old pump's
     * records, under that pump's serial, and uploads them when the network is back as it would have (a store belongs to
     * the pump that made it, not to the pump now beside the communicator). Nothing else of this pump happens any more:
     * its ground truth ended at the explant, and the clinic, which has the pump out, answers no alarm in the upload.
     */
    private void uploadAfterExplant(long nowMs, SimulationSink sink) {
        if (!communicatorStore.isEmpty() && nowMs >= communicatorBackAtMs) {
            uploadStore(nowMs, sink);
        }
    }

    private void uploadStore(long nowMs, SimulationSink sink) {
        Instant received = Instant.ofEpochMilli(nowMs);
        while (!communicatorStore.isEmpty()) {
            Kept kept = communicatorStore.pollFirst();
            tally.telemetry++;
            sink.telemetry(new TelemetryEnvelope(kept.eventId(), serial, pseudonym, clinicId,
                    Instant.ofEpochMilli(kept.atMs()), kept.sequence(), TelemetrySource.HOME_COMMUNICATOR, received,
                    kept.payload()));
        }
    }

    private void startCommunicatorOutage(long nowMs, boolean forGood, SimulationSink sink) {
        if (communicatorOffline) {
            return;
        }
        Scenario.CommunicatorModel model = scenario.communicator();
        communicatorOffline = true;
        nextCommunicatorOutageMs = Long.MAX_VALUE;
        boolean replugged = communicatorRandom.nextDouble() < model.replugProbability();
        double days = model.replugMinDays() + communicatorRandom.nextDouble() * (model.replugMaxDays() - model.replugMinDays());
        communicatorBackAtMs = forGood || !replugged ? Long.MAX_VALUE : snapUp(nowMs + Math.max(stepMs, (long) (days * DAY_MS)));
        startFault(nowMs, TrueFaultKind.COMMUNICATOR_OFFLINE, sink);
    }

    private void deliver(long fromMs, long toMs, SimulationSink sink) {
        double stepDays = (toMs - fromMs) / (double) DAY_MS;
        double programmedMl = battery.eos() ? 0 : program.volumeMl(fromMs, toMs);
        if (patientBoluses && !battery.eos() && program.mode() != InfusionMode.MINIMUM_RATE
                && random.nextDouble() < scenario.pumps().patientBolusesPerDay() * stepDays) {
            programmedMl += scenario.pumps().patientBolusMcg() / program.concentrationMcgPerMl();
        }
        long programmedNl = Nanolitres.fromMl(programmedMl);
        long computedBefore = computedNl;
        // The pump believes it delivered what it commanded, stalled or not (DOMAIN.md: after a motor stall
        // the reservoir stays fuller than expected).
        computedNl = Math.max(0, computedNl - programmedNl);

        long requestedNl = 0;
        if (!motorStalled && !battery.eos()) {
            double rotor = programmedNl * (1 + deliveryError + refillJitter) + rotorCarryNl;
            requestedNl = (long) Math.floor(rotor);
            rotorCarryNl = rotor - requestedNl;
        }
        double blocked = catheterFault == null ? 0 : catheterFault.blockedFraction();
        double lost = catheterFault == null ? 0 : catheterFault.lostFraction();
        long reachedNl = ledger.pumpOut(Math.round(requestedNl * (1 - blocked)), lost);
        double csfMcg = Nanolitres.toMl(reachedNl) * drugConcentration;
        lastCsfMcgPerDay = csfMcg / stepDays;

        double intendedDose = (resetActive != null ? programBeforeReset : program).doseMcgPerDay();
        boolean stopped = lastCsfMcgPerDay < 0.1 * intendedDose;
        if (stopped && deliveryStoppedSinceMs == null) {
            deliveryStoppedSinceMs = fromMs;
        } else if (!stopped) {
            deliveryStoppedSinceMs = null;
        }

        patient.advance(fromMs, toMs - fromMs, csfMcg, intendedDose, random);

        if (computedBefore > lowReservoirAlarmNl && computedNl <= lowReservoirAlarmNl && !battery.eos()) {
            activeAlarms.add(PumpAlarmKind.LOW_RESERVOIR);
            alarm(toMs, PumpAlarmKind.LOW_RESERVOIR, false, "reservoir at programmed alarm volume", sink);
            if (random.nextDouble() < clinic.lowReservoirResponseProbability()) {
                long at = toMs + (long) (uniform(clinic.lowReservoirResponseMinDays(), clinic.lowReservoirResponseMaxDays()) * DAY_MS);
                if (at < plannedRefillAtMs) {
                    scheduleRefill(at, RefillKind.LOW_RESERVOIR_CALL, RefillError.NONE, false);
                }
            }
        }
        if (ledger.inReservoir() == 0 && !activeFaults.contains(TrueFaultKind.RESERVOIR_EMPTY)) {
            startFault(toMs, TrueFaultKind.RESERVOIR_EMPTY, sink);
        }

        double motorFlowMlPerDay = motorStalled ? 0 : programmedMl / stepDays;
        switch (battery.drain(stepDays, motorFlowMlPerDay)) {
            case ELECTIVE_REPLACEMENT -> {
                activeAlarms.add(PumpAlarmKind.ELECTIVE_REPLACEMENT_INDICATOR);
                alarm(toMs, PumpAlarmKind.ELECTIVE_REPLACEMENT_INDICATOR, false, "battery nearing end", sink);
                if (!replacementScheduled) {
                    replacementScheduled = true;
                    schedule(new PumpReplacement(snapUp(clinicHours(toMs
                            + (long) (uniform(clinic.replacementAfterEriMinDays(), clinic.replacementAfterEriMaxDays()) * DAY_MS)))));
                }
            }
            case END_OF_SERVICE -> {
                activeAlarms.add(PumpAlarmKind.END_OF_SERVICE);
                alarm(toMs, PumpAlarmKind.END_OF_SERVICE, true, "battery depleted, delivery stopped", sink);
                startFault(toMs, TrueFaultKind.BATTERY_END_OF_SERVICE, sink);
                respondToCriticalAlarm(toMs, PumpAlarmKind.END_OF_SERVICE);
            }
            case NONE -> {
            }
        }

        if (activeFaults.contains(TrueFaultKind.POCKET_FILL) && patient.pocketDepotMcg() == 0) {
            endFault(toMs, TrueFaultKind.POCKET_FILL, sink);
        }
        noticeSymptoms(toMs);
    }

    // ---------------------------------------------------------------------------------------------------
    // Faults

    private void startCatheterFault(long nowMs, TrueFaultKind kind, boolean permanent, SimulationSink sink) {
        Scenario.CatheterHazards hazards = scenario.catheter();
        double blocked = 0;
        double lost = 0;
        boolean resolves = false;
        long resolvesAt = Long.MAX_VALUE;
        switch (kind) {
            case CATHETER_OCCLUSION -> blocked = 1;
            case CATHETER_KINK -> {
                blocked = uniform(hazards.kinkBlockedMin(), 1);
                resolves = !permanent && random.nextDouble() < hazards.kinkResolutionProbability();
                if (resolves) {
                    double days = -Math.log(1 - random.nextDouble()) * hazards.kinkMeanDurationDays();
                    resolvesAt = snapUp(nowMs + Math.max(stepMs, (long) (days * DAY_MS)));
                }
            }
            case CATHETER_DISCONNECTION, CATHETER_MIGRATION -> lost = 1;
            case CATHETER_LEAK -> lost = uniform(hazards.leakFractionMin(), hazards.leakFractionMax());
            default -> throw new IllegalArgumentException("not a catheter fault: " + kind);
        }
        catheterFault = new CatheterFault(kind, blocked, lost, nowMs, resolves, resolvesAt);
        startFault(nowMs, kind, sink);
    }

    private void endCatheterFault(long nowMs, SimulationSink sink) {
        TrueFaultKind kind = catheterFault.kind();
        catheterFault = null;
        endFault(nowMs, kind, sink);
        nextCatheterOnsetMs = nextOnset(nowMs, scenario.catheter().faultsPerYear());
    }

    private void startMotorStall(long nowMs, boolean permanent, SimulationSink sink) {
        motorStalled = true;
        motorPermanent = permanent;
        stallSinceLastRefill = true;
        if (!permanent) {
            double hours = -Math.log(1 - random.nextDouble()) * scenario.motor().meanRecoveryHours();
            motorRecoversAtMs = snapUp(nowMs + Math.max(stepMs, (long) (hours * HOUR_MS)));
        }
        activeAlarms.add(PumpAlarmKind.MOTOR_STALL);
        alarm(nowMs, PumpAlarmKind.MOTOR_STALL, true, "motor stall", sink);
        startFault(nowMs, TrueFaultKind.MOTOR_STALL, sink);
        respondToCriticalAlarm(nowMs, PumpAlarmKind.MOTOR_STALL);
    }

    /** A low-battery or memory reset: the pump falls back to the minimal rate, effectively no therapy. */
    private void reset(long nowMs, TrueFaultKind kind, SimulationSink sink) {
        if (resetActive != null || battery.eos()) {
            return;
        }
        resetActive = kind;
        programBeforeReset = program;
        program = program.afterReset();
        PumpAlarmKind alarmKind = kind == TrueFaultKind.LOW_BATTERY_RESET ? PumpAlarmKind.LOW_BATTERY_RESET : PumpAlarmKind.MEMORY_RESET;
        activeAlarms.add(alarmKind);
        alarm(nowMs, alarmKind, true, "pump reset to minimum rate", sink);
        startFault(nowMs, kind, sink);
        respondToCriticalAlarm(nowMs, alarmKind);
    }

    private void inject(long nowMs, InjectedFault fault, SimulationSink sink) {
        tally.injected++;
        switch (fault.fault()) {
            case CATHETER_KINK, CATHETER_OCCLUSION, CATHETER_DISCONNECTION, CATHETER_LEAK, CATHETER_MIGRATION -> {
                if (catheterFault != null) {
                    endCatheterFault(nowMs, sink);
                }
                startCatheterFault(nowMs, fault.fault(), fault.permanent(), sink);
            }
            case MOTOR_STALL -> {
                if (!motorStalled) {
                    boolean permanent = fault.permanent() || random.nextDouble() >= scenario.motor().recoveryProbability();
                    startMotorStall(nowMs, permanent, sink);
                }
            }
            case LOW_BATTERY_RESET, MEMORY_RESET -> reset(nowMs, fault.fault(), sink);
            case COMMUNICATOR_OFFLINE -> startCommunicatorOutage(nowMs, fault.permanent(), sink);
            case WRONG_SERIAL_EXPLANT -> recordWrongExplant(nowMs, fault.permanent(), sink);
            case POCKET_FILL -> scheduleRefill(nowMs, RefillKind.INJECTED, RefillError.POCKET_FILL, false);
            case WRONG_CONCENTRATION -> scheduleRefill(nowMs, RefillKind.INJECTED, RefillError.WRONG_CONCENTRATION, false);
            default -> throw new IllegalArgumentException("fault cannot be injected: " + fault.fault());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Clinic

    private void refillVisit(long nowMs, RefillVisit visit, SimulationSink sink) {
        if (visit.generation() != refillGeneration) {
            return;
        }
        if (visit.kind() == RefillKind.PLANNED
                && (visit.forcedMissed() || random.nextDouble() < clinic.missedVisitProbability())) {
            tally.missedVisits++;
            startFault(nowMs, TrueFaultKind.MISSED_REFILL, sink);
            long at = nowMs + (long) (uniform(clinic.missedRescheduleMinDays(), clinic.missedRescheduleMaxDays()) * DAY_MS);
            scheduleRefill(clinicHours(at), RefillKind.PLANNED, RefillError.NONE, false);
            return;
        }
        refill(nowMs, visit.forcedError(), sink);
    }

    private void refill(long nowMs, RefillError forcedError, SimulationSink sink) {
        tally.refills++;
        double expectedMl = Nanolitres.toMl(computedNl);
        long residualNl = ledger.aspirateAll();
        double measuredMl = Math.max(0, Nanolitres.toMl(residualNl) + random.nextGaussian() * clinic.residualMeasurementSdMl());
        measuredMl = Math.round(measuredMl * 10) / 10.0;

        RefillError error = forcedError;
        if (error == RefillError.NONE) {
            double draw = random.nextDouble();
            if (draw < clinic.pocketFillProbability()) {
                error = RefillError.POCKET_FILL;
            } else if (draw < clinic.pocketFillProbability() + clinic.wrongConcentrationProbability()) {
                error = RefillError.WRONG_CONCENTRATION;
            }
        }
        if (resetActive != null) {
            reprogramAfterReset(nowMs, sink);
        }
        double recordedConcentration = prescribedConcentration;
        Double recordedProgrammed = null;
        boolean pocketSuspected = false;
        long fillNl = capacityNl;
        drugConcentration = prescribedConcentration;
        program = program.withConcentration(prescribedConcentration);
        switch (error) {
            case POCKET_FILL -> {
                long pocketNl = Math.round(fillNl * uniform(0.5, 1.0));
                ledger.pocket(pocketNl);
                patient.receivePocketDose(Nanolitres.toMl(pocketNl) * drugConcentration);
                ledger.fill(fillNl - pocketNl);
                pocketSuspected = random.nextDouble() < clinic.pocketFillSuspectedProbability();
                startFault(nowMs, TrueFaultKind.POCKET_FILL, sink);
            }
            case WRONG_CONCENTRATION -> {
                double other;
                do {
                    other = CONCENTRATIONS[random.nextInt(CONCENTRATIONS.length)];
                } while (other == prescribedConcentration);
                drugConcentration = other;
                ledger.fill(fillNl);
                if (random.nextDouble() < clinic.wrongConcentrationRecordedProbability()) {
                    recordedConcentration = other;
                    recordedProgrammed = prescribedConcentration;
                }
                startFault(nowMs, TrueFaultKind.WRONG_CONCENTRATION, sink);
            }
            case NONE -> ledger.fill(fillNl);
        }
        if (error != RefillError.WRONG_CONCENTRATION) {
            endFault(nowMs, TrueFaultKind.WRONG_CONCENTRATION, sink);
        }
        // The clinician programs the volume they believe they put in.
        computedNl = fillNl;
        refillJitter = random.nextGaussian() * scenario.pumps().refillJitterSd();
        activeAlarms.remove(PumpAlarmKind.LOW_RESERVOIR);
        endFault(nowMs, TrueFaultKind.RESERVOIR_EMPTY, sink);
        endFault(nowMs, TrueFaultKind.MISSED_REFILL, sink);

        emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER, new RefillRecord(expectedMl, measuredMl,
                Nanolitres.toMl(fillNl), capacityMl, recordedConcentration, program.doseMcgPerDay(), lowReservoirAlarmMl,
                recordedProgrammed, pocketSuspected), sink);

        // An unexplained excess residual is investigated: drug that stayed in the pump (DOMAIN.md).
        if (measuredMl - expectedMl > clinic.residualDiscrepancyMl() && !checkPending) {
            checkPending = true;
            CatheterCheckMethod method = stallSinceLastRefill ? CatheterCheckMethod.ROTOR_STUDY : CatheterCheckMethod.DYE_STUDY;
            schedule(new CatheterCheckVisit(snapUp(clinicHours(nowMs + (long) (uniform(1, 7) * DAY_MS))), method));
        }
        stallSinceLastRefill = false;
        planNextRefill(nowMs);
    }

    private void planNextRefill(long nowMs) {
        double days = refillIntervalDays(Nanolitres.toMl(computedNl));
        long at = nowMs + (long) (days * DAY_MS);
        if (random.nextDouble() < clinic.lateVisitProbability()) {
            at += (long) (uniform(0.5, clinic.lateVisitMaxDays()) * DAY_MS);
        }
        scheduleRefill(clinicHours(at), RefillKind.PLANNED, RefillError.NONE, false);
    }

    /** Days until the programmed volume above the LRA is mostly used, capped by drug stability. */
    private double refillIntervalDays(double volumeMl) {
        InfusionProgram basis = resetActive != null ? programBeforeReset : program;
        double usable = Math.max(0, volumeMl - lowReservoirAlarmMl);
        double days = usable / basis.dailyVolumeMl() * clinic.refillSafetyFraction();
        return Math.max(1, Math.min(clinic.drugStabilityDays(), days));
    }

    private void scheduleRefill(long atMs, RefillKind kind, RefillError error, boolean forcedMissed) {
        refillGeneration++;
        long at = snapUp(atMs);
        plannedRefillAtMs = at;
        schedule(new RefillVisit(at, kind, error, forcedMissed, refillGeneration));
    }

    private void symptomReport(long nowMs, SymptomReportDue report, SimulationSink sink) {
        reportsPending = Math.max(0, reportsPending - 1);
        tally.symptomReports++;
        ClinicalPicture picture = report.picture();
        List<Symptom> reported = new ArrayList<>();
        for (Symptom sign : picture.signs()) {
            if (random.nextDouble() < scenario.patient().symptomRecall()) {
                reported.add(sign);
            }
        }
        if (reported.isEmpty()) {
            reported.add(picture.signs().get(0));
        }
        if (random.nextDouble() < scenario.patient().falseSymptomProbability()) {
            Symptom other = Symptom.values()[random.nextInt(Symptom.values().length)];
            if (!reported.contains(other)) {
                reported.add(other);
            }
        }
        SymptomReporter reporter = picture.usualReporter();
        Double ashworth = null;
        if (reporter == SymptomReporter.CLINICIAN) {
            double score = report.spurious() ? patient.ashworth() + 1 : patient.ashworth();
            score += random.nextGaussian() * scenario.patient().ashworthNoiseSd();
            ashworth = Math.round(clamp(score, 0, 4) * 2) / 2.0;
        }
        TelemetrySource source = reporter == SymptomReporter.CLINICIAN ? TelemetrySource.CLINICIAN_PROGRAMMER
                : TelemetrySource.PATIENT_THERAPY_MANAGER;
        emit(nowMs, source, new SymptomReport(reported, ashworth, reporter,
                Instant.ofEpochMilli(Math.min(nowMs, report.onsetMillis()))), sink);

        if (picture.emergency()) {
            scheduleEmergency(nowMs + (long) (uniform(1, 6) * HOUR_MS), picture);
        } else {
            long at = nowMs + (long) (uniform(clinic.doseReviewMinDays(), clinic.doseReviewMaxDays()) * DAY_MS);
            schedule(new DoseReview(snapUp(at), picture));
        }
    }

    private void doseReview(long nowMs, DoseReview review, SimulationSink sink) {
        // The clinician interrogates the pump first: a visible cause is treated, not the dose.
        if (resetActive != null) {
            reprogramAfterReset(nowMs, sink);
            return;
        }
        if (battery.eos()) {
            return;
        }
        if (activeAlarms.contains(PumpAlarmKind.LOW_RESERVOIR)) {
            refill(nowMs, RefillError.NONE, sink);
            return;
        }
        if (review.reported().overdose()) {
            changeDose(nowMs, program.doseMcgPerDay() * (1 - clinic.doseDecreaseFraction()), DoseChangeReason.SIDE_EFFECTS, sink);
            return;
        }
        if (nowMs - lastUnderdoseReviewMs > (long) (clinic.escalationEpisodeDays() * DAY_MS)) {
            episodeStartDose = program.doseMcgPerDay();
            episodeIncreases = 0;
        }
        lastUnderdoseReviewMs = nowMs;
        if (episodeIncreases >= clinic.futileIncreasesBeforeCheck()) {
            if (!checkPending) {
                checkPending = true;
                long at = nowMs + (long) (uniform(clinic.doseReviewMinDays(), clinic.doseReviewMaxDays()) * DAY_MS);
                schedule(new CatheterCheckVisit(snapUp(clinicHours(at)), CatheterCheckMethod.DYE_STUDY));
            }
            return;
        }
        episodeIncreases++;
        tally.doseIncreases++;
        double newDose = Math.min(scenario.pumps().doseMaxMcgPerDay(), program.doseMcgPerDay() * (1 + clinic.doseIncreaseFraction()));
        changeDose(nowMs, newDose, DoseChangeReason.SPASTICITY_NOT_CONTROLLED, sink);
    }

    private void changeDose(long nowMs, double newDose, DoseChangeReason reason, SimulationSink sink) {
        double previous = program.doseMcgPerDay();
        newDose = Math.round(newDose * 10) / 10.0;
        program = program.withDose(newDose);
        emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER, new PrescriptionChange(previous, newDose,
                program.concentrationMcgPerMl(), program.mode(), reason), sink);
        // A faster rate may bring the low-reservoir date before the booked visit.
        double days = refillIntervalDays(Nanolitres.toMl(computedNl));
        long at = clinicHours(nowMs + (long) (days * DAY_MS));
        if (at < plannedRefillAtMs) {
            scheduleRefill(at, RefillKind.PLANNED, RefillError.NONE, false);
        }
    }

    private void reprogramAfterReset(long nowMs, SimulationSink sink) {
        double previous = program.reportedDoseMcgPerDay();
        program = programBeforeReset.withConcentration(program.concentrationMcgPerMl());
        PumpAlarmKind alarmKind = resetActive == TrueFaultKind.LOW_BATTERY_RESET ? PumpAlarmKind.LOW_BATTERY_RESET : PumpAlarmKind.MEMORY_RESET;
        activeAlarms.remove(alarmKind);
        TrueFaultKind ended = resetActive;
        resetActive = null;
        programBeforeReset = null;
        emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER, new PrescriptionChange(previous, program.doseMcgPerDay(),
                program.concentrationMcgPerMl(), program.mode(), DoseChangeReason.OTHER), sink);
        endFault(nowMs, ended, sink);
    }

    /**
     * The clinic answers a critical alarm when it hears of it: at once when the communicator relays it; when the
     * communicator stores it, at the upload or when the patient calls about the pump's beeping, whichever comes first;
     * and when nothing carries it (the communicator out of range) only once the patient calls or the communicator is back
     * while the alarm still stands.
     */
    private void respondToCriticalAlarm(long nowMs, PumpAlarmKind kind) {
        if (random.nextDouble() < clinic.criticalAlarmResponseProbability()) {
            long delay = (long) (uniform(clinic.criticalAlarmResponseMinHours(), clinic.criticalAlarmResponseMaxHours()) * HOUR_MS);
            if (storing()) {
                // The alarm waits in the communicator, but the pump beeps all the same: the clinic hears of it at the
                // upload (uploadStored) or at the patient's call, whichever comes first.
                responseDelayAfterUploadMs = Math.min(responseDelayAfterUploadMs, delay);
                patientHearsTheAlarm(nowMs);
            } else if (communicatorOffline) {
                responseDelayOnceHeardMs = Math.min(responseDelayOnceHeardMs, delay);
                unrelayedAlarms.add(kind);
                patientHearsTheAlarm(nowMs);
            } else {
                scheduleEmergency(nowMs + delay, ClinicalPicture.WELL);
            }
        }
    }

    /**
     * The patient hears the pump's critical alarm and calls the clinic hours later, or does not notice it. Only for an
     * alarm the communicator did not relay as it sounded: a relayed one reaches the clinic first.
     */
    private void patientHearsTheAlarm(long nowMs) {
        Scenario.PatientModel model = scenario.patient();
        boolean noticed = alarmCallRandom.nextDouble() < model.alarmCallProbability();
        double hours = model.alarmCallMinHours() + alarmCallRandom.nextDouble()
                * (model.alarmCallMaxHours() - model.alarmCallMinHours());
        if (noticed) {
            schedule(new AlarmCall(snapUp(nowMs + Math.max(stepMs, (long) (hours * HOUR_MS)))));
        }
    }

    /**
     * The clinic hears of the critical alarms no communicator relayed as they sounded, out of range or waiting in a store,
     * and answers them; a later call, return or upload adds nothing.
     */
    private void clinicHearsUnrelayedAlarm(long nowMs) {
        long delay = Math.min(responseDelayOnceHeardMs, responseDelayAfterUploadMs);
        if (delay != Long.MAX_VALUE) {
            scheduleEmergency(nowMs + delay, ClinicalPicture.WELL);
            responseDelayOnceHeardMs = Long.MAX_VALUE;
            responseDelayAfterUploadMs = Long.MAX_VALUE;
            unrelayedAlarms.clear();
        }
    }

    private void scheduleEmergency(long atMs, ClinicalPicture reported) {
        if (!emergencyPending) {
            emergencyPending = true;
            schedule(new EmergencyVisit(snapUp(atMs), reported));
        }
    }

    private void emergencyVisit(long nowMs, EmergencyVisit visit, SimulationSink sink) {
        emergencyPending = false;
        tally.emergencyVisits++;
        // The clinician interrogates the pump: its log shows any alarm no communicator relayed, now answered.
        responseDelayOnceHeardMs = Long.MAX_VALUE;
        unrelayedAlarms.clear();
        if (battery.eos() || (motorStalled && motorPermanent)) {
            if (motorStalled) {
                emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER,
                        new CatheterCheck(CatheterCheckMethod.ROTOR_STUDY, CatheterCheckResult.FAULT_FOUND, null), sink);
            }
            scheduleUrgentReplacement(nowMs);
            return;
        }
        if (resetActive != null) {
            reprogramAfterReset(nowMs, sink);
            return;
        }
        ClinicalPicture now = patient.picture(nowMs);
        if (now.overdose() || visit.reported().overdose()) {
            // Suspected overdose: empty the reservoir and refill with the prescribed drug, lower the dose.
            refill(nowMs, RefillError.NONE, sink);
            if (now.emergency()) {
                changeDose(nowMs, program.doseMcgPerDay() * (1 - clinic.doseDecreaseFraction()), DoseChangeReason.SIDE_EFFECTS, sink);
            }
            return;
        }
        if (now.underdose() || visit.reported().underdose()) {
            // Underdose: the residual tells an empty pump from a drug that is not getting through.
            boolean wasEmpty = ledger.inReservoir() < lowReservoirAlarmNl;
            refill(nowMs, RefillError.NONE, sink);
            if (!wasEmpty) {
                catheterCheck(nowMs, CatheterCheckMethod.ACCESS_PORT_ASPIRATION, sink);
            }
            return;
        }
        if (stallSinceLastRefill) {
            emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER, new CatheterCheck(CatheterCheckMethod.ROTOR_STUDY,
                    motorStalled ? CatheterCheckResult.FAULT_FOUND : CatheterCheckResult.NORMAL, null), sink);
        }
    }

    private void catheterCheck(long nowMs, CatheterCheckMethod method, SimulationSink sink) {
        checkPending = false;
        tally.catheterChecks++;
        CatheterCheckResult result;
        CatheterFaultKind found = null;
        if (method == CatheterCheckMethod.ROTOR_STUDY && motorStalled) {
            result = CatheterCheckResult.FAULT_FOUND;
            if (motorPermanent) {
                scheduleUrgentReplacement(nowMs);
            }
        } else if (catheterFault != null) {
            if (random.nextDouble() < clinic.catheterCheckSensitivity()) {
                result = CatheterCheckResult.FAULT_FOUND;
                found = catheterFault.asFound();
            } else {
                result = CatheterCheckResult.INCONCLUSIVE;
            }
        } else if (random.nextDouble() < clinic.catheterCheckFalsePositive()) {
            result = CatheterCheckResult.FAULT_FOUND;
            found = CatheterFaultKind.UNKNOWN;
        } else {
            result = CatheterCheckResult.NORMAL;
        }
        emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER, new CatheterCheck(method, result, found), sink);
        if (found != null) {
            long at = nowMs + (long) (uniform(clinic.revisionMinDays(), clinic.revisionMaxDays()) * DAY_MS);
            schedule(new CatheterRevision(snapUp(at)));
        } else {
            episodeIncreases = 0;
        }
    }

    private void catheterRevision(long nowMs, SimulationSink sink) {
        tally.revisions++;
        if (catheterFault != null) {
            endCatheterFault(nowMs, sink);
        }
        // Doses raised without effect would overdose through a working catheter: back to the start.
        if (program.doseMcgPerDay() > episodeStartDose && resetActive == null) {
            changeDose(nowMs, episodeStartDose, DoseChangeReason.OTHER, sink);
        }
        episodeIncreases = 0;
    }

    private void scheduleUrgentReplacement(long nowMs) {
        schedule(new PumpReplacement(snapUp(nowMs + (long) (uniform(0.5, clinic.urgentReplacementMaxDays()) * DAY_MS))));
        replacementScheduled = true;
    }

    /**
     * The clinic replaces the pump: the clinician programmer records the explant, as at a refill, and this serial
     * stops reporting (the new pump is not simulated). Why it was replaced is what the clinic knows at the operation:
     * a battery at end of service or a motor that stalled for good, else the elective replacement after ERI.
     */
    private void replace(long nowMs, SimulationSink sink) {
        if (retired) {
            return;
        }
        tally.replaced = true;
        ExplantReason reason = battery.eos() ? ExplantReason.END_OF_SERVICE
                : motorStalled && motorPermanent ? ExplantReason.DEVICE_FAILURE : ExplantReason.ELECTIVE_REPLACEMENT;
        emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER, new PumpExplant(reason, null), sink);
        groundTruth(nowMs, null, sink);
        retired = true;
    }

    /**
     * The clinic records an explant against this serial in error: the pump taken out was another patient's, and the
     * wrong serial was entered (the reason is that pump's; most explants are replacements after ERI). This pump stays
     * in its patient and goes on delivering and reporting exactly as before; only the record is wrong. The clinic
     * notices (the other pump's records, this patient's next visit) and retracts the explant by its event id after a
     * delay drawn from {@link #recordsRandom}, or never ({@code neverRetracted}, or by the scenario's probability).
     */
    private void recordWrongExplant(long nowMs, boolean neverRetracted, SimulationSink sink) {
        if (activeFaults.contains(TrueFaultKind.WRONG_SERIAL_EXPLANT)) {
            return;
        }
        String explantId = emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER,
                new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, null), sink);
        startFault(nowMs, TrueFaultKind.WRONG_SERIAL_EXPLANT, sink);
        boolean noticed = recordsRandom.nextDouble() < clinic.wrongExplantRetractionProbability();
        double days = clinic.wrongExplantRetractionMinDays() + recordsRandom.nextDouble()
                * (clinic.wrongExplantRetractionMaxDays() - clinic.wrongExplantRetractionMinDays());
        if (noticed && !neverRetracted) {
            schedule(new WrongExplantRetraction(snapUp(nowMs + Math.max(stepMs, (long) (days * DAY_MS))), explantId));
        }
    }

    private void retractWrongExplant(long nowMs, WrongExplantRetraction retraction, SimulationSink sink) {
        emit(nowMs, TelemetrySource.CLINICIAN_PROGRAMMER,
                new PumpExplantRetraction(retraction.explantEventId(), ExplantRetractionReason.WRONG_SERIAL), sink);
        endFault(nowMs, TrueFaultKind.WRONG_SERIAL_EXPLANT, sink);
    }

    // ---------------------------------------------------------------------------------------------------
    // Symptoms

    /** The patient notices a change; the report reaches the clinic late (DOMAIN.md: late and noisy). */
    private void noticeSymptoms(long nowMs) {
        ClinicalPicture picture = patient.picture(nowMs);
        if (picture == ClinicalPicture.WELL) {
            reportedPicture = ClinicalPicture.WELL;
            nextReReportMs = Long.MAX_VALUE;
            return;
        }
        boolean changedSide = picture.overdose() != reportedPicture.overdose() || reportedPicture == ClinicalPicture.WELL;
        boolean worse = changedSide || picture.urgency() > reportedPicture.urgency();
        if (worse || (reportsPending == 0 && nowMs >= nextReReportMs)) {
            reportedPicture = picture;
            reportsPending++;
            schedule(new SymptomReportDue(snapUp(nowMs + reportDelayMs(picture)), picture, nowMs, false));
            nextReReportMs = nowMs + (long) (uniform(scenario.patient().reReportMinDays(), scenario.patient().reReportMaxDays()) * DAY_MS);
        }
    }

    private long reportDelayMs(ClinicalPicture picture) {
        Scenario.PatientModel model = scenario.patient();
        double medianMs = switch (picture) {
            case UNDERTREATED -> model.mildReportDelayMedianDays() * DAY_MS;
            case WITHDRAWAL_EARLY -> model.withdrawalReportDelayMedianHours() * HOUR_MS;
            case WITHDRAWAL_ADVANCED, WITHDRAWAL_SEVERE -> model.severeReportDelayMedianHours() * HOUR_MS;
            case OVERDOSE_MILD, OVERDOSE_MODERATE -> model.overdoseReportDelayMedianHours() * HOUR_MS;
            case OVERDOSE_SEVERE -> model.overdoseReportDelayMedianHours() * HOUR_MS / 2;
            case WELL -> 0;
        };
        return (long) (medianMs * Math.exp(random.nextGaussian() * model.reportDelayLogSd()));
    }

    // ---------------------------------------------------------------------------------------------------
    // Output

    private void status(long nowMs, SimulationSink sink) {
        double gauge = battery.gaugePercent() + random.nextGaussian() * scenario.battery().gaugeNoisePercent();
        gauge = Math.round(clamp(gauge, 0, 100) * 10) / 10.0;
        StatusReport report = new StatusReport(Nanolitres.toMl(computedNl), capacityMl, lowReservoirAlarmMl,
                program.concentrationMcgPerMl(), program.reportedDoseMcgPerDay(), program.mode(), gauge, null,
                new ArrayList<>(activeAlarms), manufacturedOn);
        emit(nowMs, TelemetrySource.HOME_COMMUNICATOR, report, sink);
    }

    private void alarm(long nowMs, PumpAlarmKind kind, boolean critical, String detail, SimulationSink sink) {
        tally.alarms++;
        emit(nowMs, TelemetrySource.HOME_COMMUNICATOR, new PumpAlarm(kind, critical, detail), sink);
    }

    /**
     * Sends a telemetry record and returns its event id; null when the home communicator is offline and sends nothing.
     * A communicator with no network that stores and forwards keeps the record, numbered now as the pump made it, for
     * its upload ({@link #uploadStored}); when its store is full the oldest record is dropped, never to arrive.
     */
    private String emit(long nowMs, TelemetrySource source, Object payload, SimulationSink sink) {
        if (storing() && source == TelemetrySource.HOME_COMMUNICATOR) {
            sequence++;
            String eventId = EventIds.of(runSeed, index, sequence).toString();
            if (communicatorStore.size() >= scenario.communicator().storeCapacity()) {
                communicatorStore.pollFirst();
                tally.notUploaded++;
            }
            communicatorStore.addLast(new Kept(nowMs, sequence, eventId, payload));
            return eventId;
        }
        if (communicatorOffline && source == TelemetrySource.HOME_COMMUNICATOR) {
            // Never uploaded: the report was made (its draws are spent as if it had been) but nothing carries it, and
            // the communicator that did not talk to the pump has nothing to send late. No sequence number is used,
            // so the next record that does arrive follows the last one that did.
            tally.notUploaded++;
            return null;
        }
        sequence++;
        tally.telemetry++;
        Instant time = Instant.ofEpochMilli(nowMs);
        String eventId = EventIds.of(runSeed, index, sequence).toString();
        sink.telemetry(new TelemetryEnvelope(eventId, serial, pseudonym, clinicId, time, sequence, source, null, payload));
        return eventId;
    }

    private void startFault(long nowMs, TrueFaultKind kind, SimulationSink sink) {
        if (activeFaults.add(kind)) {
            tally.faultsStarted++;
            groundTruth(nowMs, new FaultChange(kind, true), sink);
        }
    }

    private void endFault(long nowMs, TrueFaultKind kind, SimulationSink sink) {
        if (activeFaults.remove(kind)) {
            groundTruth(nowMs, new FaultChange(kind, false), sink);
        }
    }

    private void groundTruth(long nowMs, FaultChange change, SimulationSink sink) {
        tally.groundTruth++;
        sink.groundTruth(new GroundTruth(serial, scenario.name(), Instant.ofEpochMilli(nowMs),
                Nanolitres.toMl(ledger.inReservoir()), Nanolitres.toMl(computedNl), Nanolitres.toMl(ledger.filled()),
                Nanolitres.toMl(ledger.pumpedOut()), Nanolitres.toMl(ledger.reachedCsf()),
                Nanolitres.toMl(ledger.leaked() + ledger.pocketed()), lastCsfMcgPerDay, battery.truePercent(),
                new ArrayList<>(activeFaults), change, patient.withdrawalStage(nowMs), patient.overdosed(),
                deliveryStoppedSinceMs == null ? null : Instant.ofEpochMilli(deliveryStoppedSinceMs)));
    }

    // ---------------------------------------------------------------------------------------------------
    // Scheduling and draws

    private void schedule(ClinicAction action) {
        agenda.add(new Scheduled(action, agendaOrder++));
    }

    /** Rounds up to the simulation's step grid so that per-pump event times never go backwards. */
    private long snapUp(long ms) {
        long offset = ms - startMs;
        long steps = Math.floorDiv(offset + stepMs - 1, stepMs);
        return startMs + steps * stepMs;
    }

    /** Moves a planned visit into clinic hours on a weekday (1970-01-01 was a Thursday). */
    private long clinicHours(long ms) {
        long day = Math.floorDiv(ms, DAY_MS);
        long timeOfDay = ms - day * DAY_MS;
        long open = clinic.visitStartHour() * HOUR_MS;
        long close = clinic.visitEndHour() * HOUR_MS;
        if (timeOfDay >= close) {
            day++;
            timeOfDay = 0;
        }
        while (Math.floorMod(day + 3, 7) >= 5) {
            day++;
            timeOfDay = 0;
        }
        long from = Math.max(open, timeOfDay);
        return day * DAY_MS + from + (long) (random.nextDouble() * (close - from));
    }

    private double uniform(double min, double max) {
        return max <= min ? min : min + random.nextDouble() * (max - min);
    }

    private <K> K pick(java.util.Map<K, Double> mix) {
        double total = 0;
        for (double weight : mix.values()) {
            total += weight;
        }
        double draw = random.nextDouble() * total;
        K last = null;
        for (var entry : mix.entrySet()) {
            last = entry.getKey();
            draw -= entry.getValue();
            if (draw < 0) {
                return last;
            }
        }
        return last;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    // ---------------------------------------------------------------------------------------------------
    // Views for the fleet and tests

    String serial() {
        return serial;
    }

    boolean retired() {
        return retired;
    }

    PumpTally tally() {
        return tally;
    }

    ReservoirLedger.ReservoirSnapshot reservoir() {
        return ledger.snapshot();
    }

    double deliveryError() {
        return deliveryError;
    }

    boolean massBalanceHolds() {
        return ledger.balances() && computedNl >= 0 && computedNl <= capacityNl;
    }

    EnumSet<TrueFaultKind> activeFaults() {
        return activeFaults.clone();
    }

    private record Scheduled(ClinicAction action, long order) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled other) {
            int byTime = Long.compare(action.atMillis(), other.action.atMillis());
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    /** A record the home communicator keeps for a later upload: the pump's own time, sequence number and event id. */
    private record Kept(long atMs, long sequence, String eventId, Object payload) {
    }

    private record PatientModelDraw(double controlled, double untreated) {
        PatientModelDraw(Scenario.PatientModel model, SplittableRandom random) {
            this(model.controlledAshworthMin() + random.nextDouble() * (model.controlledAshworthMax() - model.controlledAshworthMin()),
                    model.untreatedAshworthMin() + random.nextDouble() * (model.untreatedAshworthMax() - model.untreatedAshworthMin()));
        }
    }

    /** Counts for the run summary. */
    static final class PumpTally {
        long telemetry;
        long groundTruth;
        long alarms;
        long refills;
        long missedVisits;
        long symptomReports;
        long doseIncreases;
        long catheterChecks;
        long revisions;
        long emergencyVisits;
        long faultsStarted;
        long injected;
        long notUploaded;
        boolean replaced;
    }
}
