package io.pumptwin.twin.store;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.telemetry.CatheterCheckMethod;
import io.pumptwin.twin.telemetry.CatheterCheckResult;
import io.pumptwin.twin.telemetry.CatheterFaultKind;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.Symptom;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine keeps a twin's stored cold part, without encoding it again, when {@link PumpTwinStoreCodec#sameCold}
 * says the new twin's cold fields are the old one's. That is only right if the bytes would have been the same: these
 * stories check it at every step, through every kind of telemetry, and check that routine reports do take the short
 * way.
 */
class ColdPartReuseTest {

    private static final byte[] PREFIX = new byte[3];

    /** One step of a story: the twin before, as the store gives it back, and after. */
    private record Step(PumpTwin before, PumpTwin after, boolean routine) {
    }

    private static final class Tally {
        int steps;
        int reused;
        int routine;
        int routineReused;
        int missed;

        void check(Step step) {
            PumpTwinStoreCodec.Split before = PumpTwinStoreCodec.encodeSplit(PREFIX, step.before());
            PumpTwinStoreCodec.Split after = PumpTwinStoreCodec.encodeSplit(PREFIX, step.after());
            boolean same = PumpTwinStoreCodec.sameCold(step.before(), step.after());
            steps++;
            if (same) {
                reused++;
                assertThat(after.cold()).as("step %d: cold fields said unchanged", steps).isEqualTo(before.cold());
            } else if (java.util.Arrays.equals(after.cold(), before.cold())) {
                missed++;
            }
            // the hot part written alone is the hot part written with the cold one
            assertThat(PumpTwinStoreCodec.encodeHot(PREFIX, step.after())).isEqualTo(after.hot());
            assertThat(PumpTwinStoreCodec.isCurrentCold(after.cold())).isTrue();
            if (step.routine()) {
                routine++;
                routineReused += same ? 1 : 0;
            }
        }
    }

    /** The twin as the engine has it before a record: decoded from its two parts. */
    private static PumpTwin stored(PumpTwin twin) {
        PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(PREFIX, twin);
        return PumpTwinStoreCodec.decodeSplit(parts.hot(), PREFIX.length, parts.cold(), twin.parameters());
    }

    @Test
    void a_kept_cold_part_is_always_the_one_that_would_have_been_written() {
        for (long seed = 1; seed <= 4; seed++) {
            Tally tally = story(seed);
            assertThat(tally.reused).as("seed %d", seed).isGreaterThan(0);
            // routine reports are what the short way is for: nearly all of them take it (a new battery reading
            // every day or so, and the reports that close or open a condition, do not)
            assertThat((double) tally.routineReused / tally.routine).as("seed %d", seed).isGreaterThan(0.9);
            // and it is not missed where the bytes say it could have been taken
            assertThat(tally.missed).as("seed %d", seed).isZero();
        }
    }

    /** Sixty days of 15-minute reports with every other kind of telemetry mixed in at random, then an explant. */
    private static Tally story(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        var story = PumpTwinScenarios.filledPump("COLD-" + seed, 500, TwinModelParameters.defaults());
        Tally tally = new Tally();
        double dose = 500;
        Symptom[] symptoms = Symptom.values();
        PumpAlarmKind[] alarms = PumpAlarmKind.values();
        for (double day = 0.01; day < 60; day += 15.0 / 1440) {
            PumpTwin before = stored(story.twin());
            double u = random.nextDouble();
            boolean routine = false;
            if (u < 0.004) {
                story.symptoms(day, symptoms[random.nextInt(symptoms.length)]);
            } else if (u < 0.006) {
                story.alarm(day, alarms[random.nextInt(alarms.length)]);
            } else if (u < 0.008) {
                double to = dose * (random.nextBoolean() ? 1.1 : 0.9);
                story.doseChange(day, dose, to, random.nextBoolean() ? DoseChangeReason.SPASTICITY_NOT_CONTROLLED
                        : DoseChangeReason.TITRATION);
                dose = to;
            } else if (u < 0.009) {
                story.refill(day, 4.0, 4.0 + random.nextDouble() * 3);
            } else if (u < 0.010) {
                story.check(day, CatheterCheckMethod.values()[random.nextInt(CatheterCheckMethod.values().length)],
                        random.nextBoolean() ? CatheterCheckResult.NORMAL : CatheterCheckResult.FAULT_FOUND,
                        CatheterFaultKind.OCCLUSION);
            } else if (u < 0.012) {
                story.advance(day);
            } else if (u < 0.013) {
                story.status(day, PumpAlarmKind.LOW_RESERVOIR);
            } else {
                story.status(day);
                routine = true;
            }
            tally.check(new Step(before, story.twin(), routine));
        }
        PumpTwin before = stored(story.twin());
        story.explant(60.5, "COLD-NEW-" + seed);
        tally.check(new Step(before, story.twin(), false));
        PumpTwin retired = stored(story.twin());
        story.status(61);
        tally.check(new Step(retired, story.twin(), false));
        return tally;
    }
}
