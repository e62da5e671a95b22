package io.pumptwin.twin;

import io.pumptwin.twin.catheter.CatheterModelParameters;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TwinModelParametersTest {

    private static CatheterModelParameters catheter(double lifetimeRate, int evidenceLimit) {
        CatheterModelParameters d = CatheterModelParameters.defaults();
        return new CatheterModelParameters(lifetimeRate, d.therapyLife(), d.obstructionShare(),
                d.residualExcessSigma(), d.residualLlrPerSigma(), d.residualLlrCap(), d.residualAsExpectedLlr(),
                d.earlySymptomLlr(), d.severeSymptomLlr(), d.symptomReportLlrCap(), d.firstEscalationLlr(),
                d.repeatEscalationLlr(), d.escalationLlrCap(), d.escalationWindow(),
                d.obstructionShareOfEscalation(), d.normalCheckLlr(), d.normalImagingLlr(),
                d.faultFoundProbability(), d.explainedAwayFactor(), d.evidenceHalfLife(), evidenceLimit,
                d.suspicionThreshold(), d.clearThreshold(), d.likelyThreshold(), d.urgentThreshold());
    }

    private static TwinModelParameters with(CatheterModelParameters c) {
        TwinModelParameters d = TwinModelParameters.defaults();
        return new TwinModelParameters(d.name(), d.reservoir(), d.battery(), c, d.risk(), d.silentAfter(),
                d.refillDueNotice(), d.refillUrgentBeforeEmpty(), d.recentEventLimit(), d.symptomMemory());
    }

    @Test
    void the_digest_names_the_values_and_only_them() {
        TwinModelParameters d = TwinModelParameters.defaults();
        assertThat(d.digest()).matches("[0-9a-f]{32}").isEqualTo(TwinModelParameters.defaults().digest());
        assertThat(with(catheter(0.275, 16)).digest()).isEqualTo(d.digest()); // equal values, another instance
        // a parameter the provenance map never carried still changes the digest, as does the set's name alone
        assertThat(d.asMap()).doesNotContainKey("catheter.evidenceLimit");
        assertThat(with(catheter(0.275, 17)).digest()).isNotEqualTo(d.digest());
        assertThat(d.withSilentAfter(Duration.ofHours(47)).digest()).isNotEqualTo(d.digest());
        TwinModelParameters renamed = new TwinModelParameters("what-if", d.reservoir(), d.battery(), d.catheter(),
                d.risk(), d.silentAfter(), d.refillDueNotice(), d.refillUrgentBeforeEmpty(), d.recentEventLimit(),
                d.symptomMemory());
        assertThat(renamed.digest()).isNotEqualTo(d.digest());
        assertThat(d.definition()).startsWith("TwinModelParameters[name=default, reservoir=ReservoirModelParameters[")
                .contains("evidenceLimit=16", "silentAfter=PT48H");
    }

    @Test
    void catheter_priors_are_those_of_the_set_asked_even_when_two_sets_alternate() {
        CatheterModelParameters a = CatheterModelParameters.defaults();
        CatheterModelParameters b = catheter(0.5, 16);
        for (int i = 0; i < 3; i++) {
            for (CatheterModelParameters p : new CatheterModelParameters[] {a, b}) {
                double perMonth = p.priorPerMonth();
                assertThat(p.obstructionPriorLogOdds()).isCloseTo(
                        Math.log(perMonth * 0.5 / (1 - perMonth * 0.5)), within(1e-12));
                assertThat(p.lossPriorLogOdds()).isCloseTo(
                        Math.log(perMonth * 0.5 / (1 - perMonth * 0.5)), within(1e-12));
            }
        }
        assertThat(b.obstructionPriorLogOdds()).isGreaterThan(a.obstructionPriorLogOdds());
    }
}
