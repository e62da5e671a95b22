package io.pumptwin.twin.reservoir;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.PumpTwinScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A twin learns how fast its pump really delivers from clean refill residuals, and only from those. */
class DeliveryCalibrationTest {

    private final ReservoirModelParameters p = ReservoirModelParameters.wesemann2014();
    private static final double PROGRAMMED_ML_PER_DAY = 0.25; // PumpTwinScenarios: 500 mcg/day at 2000 mcg/mL
    private static final double TRUE_ERROR = -0.08;           // this pump delivers 8% less than programmed

    private static double trueResidual(double days) {
        return 20 - days * PROGRAMMED_ML_PER_DAY * (1 + TRUE_ERROR);
    }

    @Test
    void an_uncalibrated_pump_keeps_the_labeled_tolerance() {
        DeliveryCalibration prior = DeliveryCalibration.prior(p);
        assertThat(prior.applyTo(p)).isEqualTo(p);
        // the persistent part is the labeled +/-14.5% read as three sigma; the interval variation comes on top
        assertThat(Math.sqrt(prior.biasVariance())).isCloseTo(0.145 / 3, within(1e-12));
        double total = prior.biasVariance() + p.intervalErrorSigmaFraction() * p.intervalErrorSigmaFraction();
        assertThat(Math.sqrt(total)).isCloseTo(p.deliveryErrorSigmaFraction(), within(1e-12));
    }

    @Test
    void each_clean_refill_moves_the_bias_towards_the_pump_and_narrows_it_but_never_below_the_interval_variation() {
        DeliveryCalibration c = DeliveryCalibration.prior(p);
        double delivered = 60 * PROGRAMMED_ML_PER_DAY;
        for (int refill = 1; refill <= 6; refill++) {
            double predicted = 20 - delivered * (1 + c.biasMean());
            DeliveryCalibration next = c.learned(delivered, trueResidual(60) - predicted, 0.29, p);
            assertThat(Math.abs(next.biasMean() - TRUE_ERROR)).isLessThan(Math.abs(c.biasMean() - TRUE_ERROR));
            assertThat(next.biasVariance()).isLessThan(c.biasVariance());
            c = next;
        }
        assertThat(c.refillsLearned()).isEqualTo(6);
        // 1.9 prior sigmas from the study mean: within a point and a half after six refills
        assertThat(c.biasMean()).isCloseTo(TRUE_ERROR, within(0.015));
        assertThat(c.applyTo(p).deliveryErrorSigmaFraction()).isGreaterThanOrEqualTo(p.intervalErrorSigmaFraction())
                .isLessThan(p.deliveryErrorSigmaFraction() / 1.5);
    }

    @Test
    void a_twin_that_learned_its_slow_pump_carries_a_narrower_band_that_still_holds_the_truth() {
        var learning = PumpTwinScenarios.filledPump("CAL-1");
        var naive = PumpTwinScenarios.filledPump("CAL-2");
        learning.weeklyStatusUntil(56);
        learning.refill(60, 20 - 60 * PROGRAMMED_ML_PER_DAY, trueResidual(60));
        assertThat(learning.twin().calibration().refillsLearned()).isEqualTo(1);
        // more than half-way from the study's +1% to the pump's -8% after one refill
        assertThat(learning.twin().calibration().biasMean()).isLessThan(-0.035);
        learning.status(60 + 50);
        naive.status(50);

        PumpTwin twin = learning.twin();
        ReservoirEstimate learned = twin.reservoirAt(twin.asOf());
        ReservoirEstimate prior = naive.twin().reservoirAt(naive.twin().asOf());
        // one refill takes a sixth or more off the band (the prior is the labeled tolerance read as three sigma)
        assertThat(learned.stdDevMl()).isLessThan(0.85 * prior.stdDevMl());
        double truth = trueResidual(50);
        assertThat(truth).isBetween(learned.lower95Ml(twin.reservoirPhysics()), learned.upper95Ml(twin.reservoirPhysics()));
        assertThat(twin.assess().twinValues()).containsKeys("deliveryBiasLearned", "refillsLearnedFrom");
    }

    @Test
    void a_residual_far_outside_the_band_is_catheter_evidence_not_a_slow_pump() {
        var occluded = PumpTwinScenarios.filledPump("CAL-3");
        occluded.weeklyStatusUntil(56);
        // drug stayed in the pump: the residual is many band widths larger than predicted (DOMAIN.md, occlusion)
        occluded.refill(60, 20 - 60 * PROGRAMMED_ML_PER_DAY, 14);
        assertThat(occluded.twin().calibration().refillsLearned()).isZero();
        assertThat(occluded.twin().reservoirPhysics()).isEqualTo(p);
    }
}
