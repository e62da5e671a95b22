package io.pumptwin.simulator.patient;

import io.pumptwin.events.WithdrawalStage;
import io.pumptwin.simulator.scenario.Scenario.PatientModel;

import java.util.random.RandomGenerator;

/**
 * The simulated patient. Drug reaching the spinal fluid (plus pocket drug absorbed from the tissue) builds
 * an effect level with first-order elimination; the patient's response is the ratio of that level to what
 * they need. Below the need spasticity returns; far below it withdrawal begins and may progress over
 * 24-72 h (DOMAIN.md); well above it come overdose signs. Risk of severe withdrawal grows with dose.
 */
public final class Patient {
    private static final double MS_PER_DAY = 86_400_000.0;
    private static final double MS_PER_HOUR = 3_600_000.0;

    private final PatientModel model;
    private final double controlledAshworth;
    private final double untreatedAshworth;
    private double requirementMcgPerDay;
    /** Effect level expressed as the steady daily dose that would produce it, in mcg/day. */
    private double effectMcgPerDay;
    private double pocketDepotMcg;
    private long deprivedSinceMs = Long.MIN_VALUE;
    private long advancedAtMs = Long.MAX_VALUE;
    private long severeAtMs = Long.MAX_VALUE;

    public Patient(PatientModel model, double requirementMcgPerDay, double initialEffectMcgPerDay,
                   double controlledAshworth, double untreatedAshworth) {
        this.model = model;
        this.requirementMcgPerDay = requirementMcgPerDay;
        this.effectMcgPerDay = initialEffectMcgPerDay;
        this.controlledAshworth = controlledAshworth;
        this.untreatedAshworth = untreatedAshworth;
    }

    /** Drug injected into the pocket: absorbed over hours, acting partly like intrathecal drug. */
    public void receivePocketDose(double mcg) {
        pocketDepotMcg += mcg;
    }

    /**
     * Advances the patient by one step in which {@code csfMcg} reached the spinal fluid.
     *
     * @param doseMcgPerDay the programmed dose, which scales the risk of withdrawal progressing
     */
    public void advance(long nowMs, long stepMs, double csfMcg, double doseMcgPerDay, RandomGenerator random) {
        double stepDays = stepMs / MS_PER_DAY;
        double stepHours = stepMs / MS_PER_HOUR;
        double absorbed = 0;
        if (pocketDepotMcg > 0) {
            double remainingShare = Math.pow(0.5, stepHours / model.pocketAbsorptionHalfLifeHours());
            absorbed = pocketDepotMcg * (1 - remainingShare);
            pocketDepotMcg -= absorbed;
            if (pocketDepotMcg < 1e-3) {
                pocketDepotMcg = 0;
            }
        }
        double inputMcgPerDay = (csfMcg + absorbed * model.pocketCsfEquivalence()) / stepDays;
        double decay = Math.pow(0.5, stepHours / model.effectHalfLifeHours());
        effectMcgPerDay = inputMcgPerDay + (effectMcgPerDay - inputMcgPerDay) * decay;
        requirementMcgPerDay *= 1 + model.requirementDriftPerYear() * stepDays / 365.25;

        long endMs = nowMs + stepMs;
        if (responseRatio() < model.deprivationRatio()) {
            if (deprivedSinceMs == Long.MIN_VALUE) {
                beginDeprivation(endMs, doseMcgPerDay, random);
            }
        } else if (deprivedSinceMs != Long.MIN_VALUE) {
            deprivedSinceMs = Long.MIN_VALUE;
            advancedAtMs = Long.MAX_VALUE;
            severeAtMs = Long.MAX_VALUE;
        }
    }

    private void beginDeprivation(long atMs, double doseMcgPerDay, RandomGenerator random) {
        deprivedSinceMs = atMs;
        double doseFactor = Math.max(0.5, Math.min(3.0, doseMcgPerDay / model.withdrawalReferenceDoseMcgPerDay()));
        double pAdvanced = Math.min(0.95, model.advancedWithdrawalProbability() * doseFactor);
        double pSevere = Math.min(pAdvanced, model.severeWithdrawalProbability() * doseFactor);
        double draw = random.nextDouble();
        // Progression over 24-72 h: advanced from about a day, severe between two and three days.
        if (draw < pAdvanced) {
            advancedAtMs = atMs + (long) ((24 + random.nextDouble() * 24) * MS_PER_HOUR);
        }
        if (draw < pSevere) {
            severeAtMs = atMs + (long) ((48 + random.nextDouble() * 24) * MS_PER_HOUR);
        }
    }

    public double responseRatio() {
        return effectMcgPerDay / requirementMcgPerDay;
    }

    public WithdrawalStage withdrawalStage(long nowMs) {
        if (deprivedSinceMs == Long.MIN_VALUE) {
            return WithdrawalStage.NONE;
        }
        if (nowMs >= severeAtMs) {
            return WithdrawalStage.SEVERE;
        }
        if (nowMs >= advancedAtMs) {
            return WithdrawalStage.ADVANCED;
        }
        return WithdrawalStage.EARLY;
    }

    public boolean overdosed() {
        return responseRatio() >= model.overdoseRatio();
    }

    public ClinicalPicture picture(long nowMs) {
        double r = responseRatio();
        if (r >= model.severeOverdoseRatio()) {
            return ClinicalPicture.OVERDOSE_SEVERE;
        }
        if (r >= model.moderateOverdoseRatio()) {
            return ClinicalPicture.OVERDOSE_MODERATE;
        }
        if (r >= model.overdoseRatio()) {
            return ClinicalPicture.OVERDOSE_MILD;
        }
        return switch (withdrawalStage(nowMs)) {
            case SEVERE -> ClinicalPicture.WITHDRAWAL_SEVERE;
            case ADVANCED -> ClinicalPicture.WITHDRAWAL_ADVANCED;
            case EARLY -> ClinicalPicture.WITHDRAWAL_EARLY;
            default -> r < model.underdoseRatio() ? ClinicalPicture.UNDERTREATED : ClinicalPicture.WELL;
        };
    }

    /** Modified Ashworth score, 0-4: controlled at or above the need, back to untreated near zero effect. */
    public double ashworth() {
        double r = responseRatio();
        double lost = Math.max(0, Math.min(1, (1 - r) / (1 - 0.3)));
        return controlledAshworth + (untreatedAshworth - controlledAshworth) * lost;
    }

    public double requirementMcgPerDay() {
        return requirementMcgPerDay;
    }

    public double effectMcgPerDay() {
        return effectMcgPerDay;
    }

    public double pocketDepotMcg() {
        return pocketDepotMcg;
    }
}
