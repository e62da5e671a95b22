package io.pumptwin.simulator.scenario;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.TrueFaultKind;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A named simulation run: the fleet, its clinics and every rate that drives the physics. Loaded from
 * {@code scenarios/<name>.yaml} merged over {@code scenarios/defaults.yaml}; the clinical source of each
 * default figure is cited in that file.
 */
public record Scenario(
        String name,
        String description,
        String start,
        double durationDays,
        int fleetSize,
        int clinics,
        int statusCadenceMinutes,
        int groundTruthCadenceMinutes,
        PumpPopulation pumps,
        BatteryModel battery,
        ClinicPolicy clinic,
        CatheterHazards catheter,
        MotorHazards motor,
        PatientModel patient,
        List<FaultInjection> injections,
        CommunicatorModel communicator) {

    public Scenario {
        injections = injections == null ? List.of() : List.copyOf(injections);
        communicator = communicator == null ? CommunicatorModel.ALWAYS_ONLINE : communicator;
    }

    /** A scenario whose home communicators never go offline (the form before {@link CommunicatorModel} existed). */
    public Scenario(String name, String description, String start, double durationDays, int fleetSize, int clinics,
                    int statusCadenceMinutes, int groundTruthCadenceMinutes, PumpPopulation pumps,
                    BatteryModel battery, ClinicPolicy clinic, CatheterHazards catheter, MotorHazards motor,
                    PatientModel patient, List<FaultInjection> injections) {
        this(name, description, start, durationDays, fleetSize, clinics, statusCadenceMinutes,
                groundTruthCadenceMinutes, pumps, battery, clinic, catheter, motor, patient, injections,
                CommunicatorModel.ALWAYS_ONLINE);
    }

    public Instant startInstant() {
        return Instant.parse(start);
    }

    public long stepMillis() {
        return statusCadenceMinutes * 60_000L;
    }

    /** Throws {@link InvalidScenarioException} naming the first field that cannot drive a simulation. */
    public Scenario validated() {
        require(name != null && !name.isBlank(), "name", "must be set");
        try {
            startInstant();
        } catch (RuntimeException e) {
            throw new InvalidScenarioException(name, "start", "must be an ISO-8601 instant such as 2026-01-05T00:00:00Z, was " + start);
        }
        require(durationDays > 0, "durationDays", "must be positive");
        require(fleetSize > 0, "fleetSize", "must be positive");
        require(clinics > 0, "clinics", "must be positive");
        require(statusCadenceMinutes > 0 && 1440 % statusCadenceMinutes == 0, "statusCadenceMinutes",
                "must divide a day (e.g. 5, 15, 60)");
        require(groundTruthCadenceMinutes > 0 && groundTruthCadenceMinutes % statusCadenceMinutes == 0,
                "groundTruthCadenceMinutes", "must be a multiple of statusCadenceMinutes");
        require(pumps != null && battery != null && clinic != null && catheter != null && motor != null && patient != null,
                "pumps/battery/clinic/catheter/motor/patient", "sections must all be present");
        require(!pumps.concentrationMix().isEmpty(), "pumps.concentrationMix", "must not be empty");
        require(!pumps.infusionModeMix().isEmpty(), "pumps.infusionModeMix", "must not be empty");
        require(pumps.deliveryErrorLimit() > 0, "pumps.deliveryErrorLimit", "must be positive");
        require(communicator.outagesPerYear() >= 0, "communicator.outagesPerYear", "must not be negative");
        require(communicator.replugProbability() >= 0 && communicator.replugProbability() <= 1,
                "communicator.replugProbability", "must be within 0..1");
        require(communicator.replugMinDays() >= 0 && communicator.replugMaxDays() >= communicator.replugMinDays(),
                "communicator.replugMinDays/replugMaxDays", "must satisfy 0 <= replugMinDays <= replugMaxDays");
        require(!communicator.storeAndForward() || communicator.storeCapacity() > 0, "communicator.storeCapacity",
                "must be at least 1 when storeAndForward is set (records the communicator keeps during an outage)");
        require(patient.alarmCallProbability() >= 0 && patient.alarmCallProbability() <= 1,
                "patient.alarmCallProbability", "must be within 0..1");
        require(patient.alarmCallMinHours() >= 0 && patient.alarmCallMaxHours() >= patient.alarmCallMinHours(),
                "patient.alarmCallMinHours/alarmCallMaxHours", "must satisfy 0 <= alarmCallMinHours <= alarmCallMaxHours");
        require(clinic.wrongExplantRetractionProbability() >= 0 && clinic.wrongExplantRetractionProbability() <= 1,
                "clinic.wrongExplantRetractionProbability", "must be within 0..1");
        require(clinic.wrongExplantRetractionMinDays() >= 0
                        && clinic.wrongExplantRetractionMaxDays() >= clinic.wrongExplantRetractionMinDays(),
                "clinic.wrongExplantRetractionMinDays/wrongExplantRetractionMaxDays",
                "must satisfy 0 <= wrongExplantRetractionMinDays <= wrongExplantRetractionMaxDays");
        for (int i = 0; i < injections.size(); i++) {
            FaultInjection injection = injections.get(i);
            require(injection.fault() != null, "injections.fault", "must be set");
            require(i > 0 || !injection.followsPrevious(), "injections.afterPrevious",
                    "cannot be set on the first injection: there is no injection before it to follow");
            require(injection.fraction() >= 0 && injection.fraction() <= 1, "injections.fraction", "must be within 0..1");
            require(injection.fromDay() >= 0 && injection.toDay() >= injection.fromDay(), "injections.fromDay/toDay",
                    "must satisfy 0 <= fromDay <= toDay");
        }
        return this;
    }

    private void require(boolean ok, String field, String rule) {
        if (!ok) {
            throw new InvalidScenarioException(name, field, rule);
        }
    }

    public Scenario withOverrides(Integer fleetSizeOverride, Double durationDaysOverride) {
        return new Scenario(name, description, start,
                durationDaysOverride != null ? durationDaysOverride : durationDays,
                fleetSizeOverride != null ? fleetSizeOverride : fleetSize,
                clinics, statusCadenceMinutes, groundTruthCadenceMinutes, pumps, battery, clinic, catheter, motor,
                patient, injections, communicator);
    }

    /** Who the implanted patients are and how their pumps are programmed. */
    public record PumpPopulation(
            double reservoir40Fraction,
            Map<String, Double> concentrationMix,
            double doseMedianMcgPerDay,
            double doseLogSd,
            double doseMinMcgPerDay,
            double doseMaxMcgPerDay,
            Map<InfusionMode, Double> infusionModeMix,
            double patientBolusFraction,
            double patientBolusesPerDay,
            double patientBolusMcg,
            double implantAgeMinYears,
            double implantAgeMaxYears,
            double manufactureLeadMinDays,
            double manufactureLeadMaxDays,
            double deliveryErrorMean,
            double deliveryErrorSd,
            double deliveryErrorLimit,
            double refillJitterSd,
            double lowReservoirAlarmMl,
            double minimumRateMlPerDay,
            double preferredMinRefillIntervalDays) {
    }

    /** Battery life, end-of-life indicators and the pre-August-2011 reduced-performance cohort. */
    public record BatteryModel(
            double nominalLifeYears,
            double referenceFlowMlPerDay,
            double motorShare,
            double eriDaysBeforeEos,
            String advisoryManufacturedBefore,
            double advisoryCapacityMin,
            double advisoryCapacityMax,
            double advisoryResetsPerYear,
            double advisoryEosAccelerationAfterEri,
            double memoryResetsPerYear,
            double gaugeNoisePercent) {

        public Instant advisoryCutoff() {
            return Instant.parse(advisoryManufacturedBefore);
        }
    }

    /** How clinics schedule refills and respond to alarms and symptoms, and how often their staff err. */
    public record ClinicPolicy(
            double drugStabilityDays,
            double refillSafetyFraction,
            int visitStartHour,
            int visitEndHour,
            double lateVisitProbability,
            double lateVisitMaxDays,
            double missedVisitProbability,
            double missedRescheduleMinDays,
            double missedRescheduleMaxDays,
            double lowReservoirResponseProbability,
            double lowReservoirResponseMinDays,
            double lowReservoirResponseMaxDays,
            double residualMeasurementSdMl,
            double residualDiscrepancyMl,
            double pocketFillProbability,
            double pocketFillSuspectedProbability,
            double wrongConcentrationProbability,
            double wrongConcentrationRecordedProbability,
            double criticalAlarmResponseProbability,
            double criticalAlarmResponseMinHours,
            double criticalAlarmResponseMaxHours,
            double doseReviewMinDays,
            double doseReviewMaxDays,
            double doseIncreaseFraction,
            double doseDecreaseFraction,
            int futileIncreasesBeforeCheck,
            double escalationEpisodeDays,
            double catheterCheckSensitivity,
            double catheterCheckFalsePositive,
            double revisionMinDays,
            double revisionMaxDays,
            double replacementAfterEriMinDays,
            double replacementAfterEriMaxDays,
            double urgentReplacementMaxDays,
            double wrongExplantRetractionProbability,
            double wrongExplantRetractionMinDays,
            double wrongExplantRetractionMaxDays) {
    }

    /** Catheter complications as hazards, and what each fault does once it has begun. */
    public record CatheterHazards(
            double faultsPerYear,
            Map<TrueFaultKind, Double> mix,
            double kinkResolutionProbability,
            double kinkMeanDurationDays,
            double kinkBlockedMin,
            double leakFractionMin,
            double leakFractionMax) {
    }

    public record MotorHazards(double stallsPerYear, double recoveryProbability, double meanRecoveryHours) {
    }

    /**
     * The patient: response to the dose reaching the spinal fluid, withdrawal, overdose, and how they report.
     *
     * <p>{@code alarmCall*}: a critical alarm sounds from the pump itself (two tones, DOMAIN.md), and a patient who hears
     * it is to call the clinic. The simulator models that call for an alarm the home communicator did not relay as it
     * sounded ({@link CommunicatorModel}): one raised while it is out of range, which nothing else may ever bring, and
     * one it keeps for a later upload, which the call may bring first; a relayed alarm reaches the clinic first. The share who notice and the hours until they call are modelling assumptions, not published figures.
     */
    public record PatientModel(
            double effectHalfLifeHours,
            double requirementDriftPerYear,
            double controlledAshworthMin,
            double controlledAshworthMax,
            double untreatedAshworthMin,
            double untreatedAshworthMax,
            double underdoseRatio,
            double deprivationRatio,
            double advancedWithdrawalProbability,
            double severeWithdrawalProbability,
            double withdrawalReferenceDoseMcgPerDay,
            double overdoseRatio,
            double moderateOverdoseRatio,
            double severeOverdoseRatio,
            double pocketAbsorptionHalfLifeHours,
            double pocketCsfEquivalence,
            double spuriousReportsPerYear,
            double mildReportDelayMedianDays,
            double withdrawalReportDelayMedianHours,
            double severeReportDelayMedianHours,
            double overdoseReportDelayMedianHours,
            double reportDelayLogSd,
            double symptomRecall,
            double falseSymptomProbability,
            double ashworthNoiseSd,
            double reReportMinDays,
            double reReportMaxDays,
            double alarmCallProbability,
            double alarmCallMinHours,
            double alarmCallMaxHours) {
    }

    /**
     * The patient's home communicator, which interrogates the pump and uploads its status reports and relayed alarms.
     * An outage silences that path only: the pump keeps delivering, the clinician programmer's records of a visit still
     * reach telemetry, and so do the patient's symptom reports (the therapy manager and the clinic's own records are
     * other paths). Outages are drawn from the pump's own second generator, so a rate changes no other draw of a
     * pump's history.
     *
     * <p>What an outage loses depends on {@code storeAndForward}. Without it (the default) the communicator is out of
     * range of the pump (lost, unplugged, broken, left at home while the patient travels): it reads nothing, stores
     * nothing, and nothing is uploaded late when it comes back. With it the communicator is beside the patient but has
     * no network: it goes on reading the pump and keeps each status report and alarm it would have relayed, with the
     * pump's own event time, sequence number and event id, and uploads them in order when the network is back, each
     * stamped {@code receivedTime} at the upload (a record sent as it happened leaves {@code receivedTime} unset: it
     * arrived at its event time). The store holds {@code storeCapacity} records, the oldest dropped when it is full
     * (a device keeps a bounded log; 672 in the defaults, a week of 15-minute reports, an assumption, not a vendor's
     * figure). The clinic answers a critical alarm when it reaches it ({@code clinic.criticalAlarmResponse*}, the same
     * draws, counted from then): one raised while the communicator stores, at the upload or when the patient, hearing the
     * pump's own alarm, calls ({@code patient.alarmCall*}), whichever comes first; the upload is made even when the clinic
     * has replaced the pump in the meantime (the communicator keeps the records of the pump that made them). One raised
     * while the communicator is out of range reaches the clinic only when the patient, hearing the pump's own alarm, calls
     * ({@code patient.alarmCall*}), or when the communicator is back and its first status report still shows the alarm
     * active, whichever comes first; never, when neither happens. Every outage of the scenario is of the one kind.
     *
     * @param outagesPerYear    background outages per pump-year (a modelling assumption; 0 turns them off)
     * @param replugProbability share of outages that end (the patient plugs it back in, or gets a new one; for a
     *                          communicator with no network, the network comes back)
     * @param replugMinDays     shortest outage that ends, in days
     * @param replugMaxDays     longest outage that ends, in days
     * @param storeAndForward   whether the communicator keeps what it reads during an outage and uploads it late
     * @param storeCapacity     records it keeps during an outage; with {@code storeAndForward}, at least 1
     */
    public record CommunicatorModel(double outagesPerYear, double replugProbability, double replugMinDays,
                                    double replugMaxDays, boolean storeAndForward, int storeCapacity) {
        public static final CommunicatorModel ALWAYS_ONLINE = new CommunicatorModel(0, 1, 0, 0);

        /** A communicator that stores nothing during an outage (the form before {@code storeAndForward} existed). */
        public CommunicatorModel(double outagesPerYear, double replugProbability, double replugMinDays,
                                 double replugMaxDays) {
            this(outagesPerYear, replugProbability, replugMinDays, replugMaxDays, false, 0);
        }
    }

    /**
     * A fault forced onto a fraction of the fleet, with onset drawn uniformly in [fromDay, toDay): the
     * scenario's signature. Catheter faults, MOTOR_STALL, LOW_BATTERY_RESET and MEMORY_RESET start at onset;
     * MISSED_REFILL makes the refill due at onset a missed visit; POCKET_FILL and WRONG_CONCENTRATION make
     * a refill at onset go wrong that way; COMMUNICATOR_OFFLINE starts a home-communicator outage at onset (lost, or
     * stored and uploaded late: {@link CommunicatorModel#storeAndForward});
     * WRONG_SERIAL_EXPLANT makes the clinic record an explant against this pump at onset although it stays implanted,
     * retracted later as {@link ClinicPolicy#wrongExplantRetractionProbability} says.
     * {@code permanent} applies to motor stalls, catheter kinks and communicator outages (never plugged back in), and
     * to wrong explants (never retracted).
     *
     * <p>{@code afterPrevious} makes a second fault of the pumps the injection listed just before it was applied to:
     * {@code fraction} of those pumps (no other), with onset drawn in [fromDay, toDay) days after that injection's onset
     * on the same pump, e.g. a motor stall a few days into a wrong-serial explant, before the clinic can retract it.
     * It draws the same numbers whether or not it applies, as every injection does.
     */
    public record FaultInjection(TrueFaultKind fault, double fraction, double fromDay, double toDay, Boolean permanent,
                                 Boolean afterPrevious) {

        /** An injection on pumps drawn from the whole fleet (the form before {@code afterPrevious} existed). */
        public FaultInjection(TrueFaultKind fault, double fraction, double fromDay, double toDay, Boolean permanent) {
            this(fault, fraction, fromDay, toDay, permanent, null);
        }

        public boolean followsPrevious() {
            return Boolean.TRUE.equals(afterPrevious);
        }
    }
}
