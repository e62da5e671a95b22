package io.pumptwin.twin.reservoir;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReservoirProjectionTest {

    private static final Instant FILL = Instant.parse("2026-01-05T08:00:00Z");
    private final ReservoirModelParameters p = ReservoirModelParameters.wesemann2014();

    @Test
    void refill_is_due_at_the_one_sided_95_bound_of_the_low_reservoir_date_less_the_clinic_lead_time() {
        ReservoirEstimate full = ReservoirEstimate.filled(20, false, p);
        ReservoirProjection projection = ReservoirProjection.of(full, FILL, 0.25, 2.0, FILL, p);

        assertThat(projection.refillDue().limit()).isEqualTo(RefillDue.Limit.RESERVOIR);
        assertThat(projection.refillDue().dueAt()).isEqualTo(projection.lowReservoirBound().minus(p.clinicLeadTime()));
        // The bound is the 5% quantile: after the two-sided band's early edge (2.5%), before the expected date; the
        // volume left on that date is 1.645 sigmas above the alarm volume.
        assertThat(projection.lowReservoirBound()).isAfter(projection.lowReservoirAt().earliest())
                .isBefore(projection.lowReservoirAt().expected());
        double days = Duration.between(FILL, projection.lowReservoirBound()).toMillis() / 86_400_000.0;
        ReservoirEstimate atBound = full.afterProgrammedDelivery(days * 0.25, p);
        assertThat(atBound.meanMl() - ReservoirProjection.ONE_SIDED_95_Z * atBound.stdDevMl())
                .isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-3));
        // 18 mL to the alarm at 0.2525 mL/day: about 71 days expected; the early edge comes days sooner
        assertThat(Duration.between(FILL, projection.lowReservoirAt().expected()).toDays()).isBetween(70L, 72L);
        assertThat(projection.lowReservoirAt().earliest()).isBefore(projection.lowReservoirAt().expected().minus(Duration.ofDays(5)));
        assertThat(projection.lowReservoirAt().latest()).isAfter(projection.lowReservoirAt().expected().plus(Duration.ofDays(5)));
        assertThat(projection.emptyAt().expected()).isAfter(projection.lowReservoirAt().expected());
    }

    @Test
    void a_longer_lead_time_moves_the_refill_earlier_by_the_same_amount() {
        ReservoirEstimate full = ReservoirEstimate.filled(20, false, p);
        Instant week = ReservoirProjection.of(full, FILL, 0.25, 2.0, FILL, p).refillDue().dueAt();
        Instant twoWeeks = ReservoirProjection.of(full, FILL, 0.25, 2.0, FILL,
                p.withClinicLeadTime(Duration.ofDays(14))).refillDue().dueAt();
        assertThat(Duration.between(twoWeeks, week)).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void drug_stability_caps_the_refill_of_a_slowly_emptying_reservoir() {
        ReservoirEstimate full = ReservoirEstimate.filled(20, false, p);
        // 50 mcg/day at 2000 mcg/mL: 0.025 mL/day would last over two years
        ReservoirProjection projection = ReservoirProjection.of(full, FILL, 0.025, 2.0, FILL, p);
        assertThat(projection.refillDue().limit()).isEqualTo(RefillDue.Limit.DRUG_STABILITY);
        assertThat(projection.refillDue().dueAt()).isEqualTo(FILL.plus(Duration.ofDays(180)));

        ReservoirProjection shortStability = ReservoirProjection.of(full, FILL, 0.25, 2.0, FILL,
                p.withDrugStability(Duration.ofDays(30)));
        assertThat(shortStability.refillDue().limit()).isEqualTo(RefillDue.Limit.DRUG_STABILITY);
        assertThat(shortStability.refillDue().dueAt()).isEqualTo(FILL.plus(Duration.ofDays(30)));
    }

    @Test
    void nothing_to_project_when_nothing_is_delivered_but_stability_still_applies() {
        ReservoirProjection projection = ReservoirProjection.of(ReservoirEstimate.filled(20, false, p), FILL, 0, 2.0,
                FILL, p);
        assertThat(projection.lowReservoirAt()).isNull();
        assertThat(projection.emptyAt()).isNull();
        assertThat(projection.refillDue().limit()).isEqualTo(RefillDue.Limit.DRUG_STABILITY);
    }

    @Test
    void an_overdue_reservoir_projects_its_empty_date_in_the_past() {
        ReservoirEstimate overdue = ReservoirEstimate.filled(20, false, p).afterProgrammedDelivery(22, p);
        ReservoirProjection projection = ReservoirProjection.of(overdue, FILL, 0.25, 2.0, null, p);
        assertThat(projection.emptyAt().expected()).isBefore(FILL);
        assertThat(projection.refillDue().dueAt()).isBefore(FILL);
    }

    /**
     * The closed-form crossing lands where the 64-step bisection it replaced converged, to the millisecond the
     * projection reports, over reservoirs from just filled to long overdue, both band edges and the mean, every
     * level a projection uses, and both shipped parameter sets.
     */
    @Test
    void the_closed_form_crossing_is_the_bisection_result_to_the_millisecond() {
        int cases = 0;
        int identical = 0;
        for (ReservoirModelParameters q : new ReservoirModelParameters[] {p, ReservoirModelParameters.wesemann2014PerRefill()}) {
            double daily = 0.25;
            double horizonMl = daily * q.projectionHorizon().toMillis() / 86_400_000.0;
            for (double filled = 2; filled <= 40; filled += 3.7) {
                for (double deliveredMl = 0; deliveredMl <= 45; deliveredMl += 1.3) {
                    ReservoirEstimate e = ReservoirEstimate.filled(filled, deliveredMl > 30, q)
                            .afterProgrammedDelivery(deliveredMl, q);
                    for (double level : new double[] {0, 2.0, 5.0}) {
                        for (double z : new double[] {q.bandZ(), 0, -q.bandZ()}) {
                            double rate = 1 + q.deliveryBiasFraction();
                            double lo = -(Math.abs(e.meanMl()) + Math.abs(level) + 4 * e.stdDevMl() + 1) / rate;
                            double reference = bisectionAsBefore(e, level, z, lo, horizonMl, q);
                            double closed = ReservoirProjection.crossing(e, level, z, horizonMl, q);
                            long referenceMs = Math.round(reference / daily * 86_400_000.0);
                            long closedMs = Math.round(closed / daily * 86_400_000.0);
                            assertThat(Math.abs(closedMs - referenceMs)).as("filled=%s delivered=%s level=%s z=%s",
                                    filled, deliveredMl, level, z).isLessThanOrEqualTo(1L);
                            cases++;
                            identical += closedMs == referenceMs ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertThat(cases).isGreaterThan(3000);
        // a difference, where there is one, is a half-millisecond tie rounded the other way
        assertThat(identical).isGreaterThanOrEqualTo(cases * 99 / 100);
    }

    /** The projection's crossing as it was computed before the closed form: guards, then 64 bisection steps. */
    private static double bisectionAsBefore(ReservoirEstimate e, double level, double z, double lo, double hi,
                                            ReservoirModelParameters q) {
        if (edge(e, lo, z, q) - level <= 0) {
            return lo;
        }
        if (edge(e, hi, z, q) - level > 0) {
            return hi;
        }
        return ReservoirProjection.bisected(e, level, z, lo, hi, q);
    }

    private static double edge(ReservoirEstimate e, double moreMl, double z, ReservoirModelParameters q) {
        double mean = e.meanMl() - moreMl * (1 + q.deliveryBiasFraction());
        return mean - z * Math.sqrt(e.varianceAfter(moreMl, q));
    }
    @Test
    void before_the_first_seen_fill_the_refill_notice_counts_from_the_expected_date_but_keeps_half_the_notice() {
        Duration notice = Duration.ofDays(14);
        // A slow pump first heard mid-cycle: 10 mL delivered since a fill the twin never saw, 0.1 mL/day. Its band
        // is the labeled tolerance on all of that: the early edge lies weeks before the expected alarm date.
        ReservoirEstimate unseen = ReservoirEstimate.unknown(10, 20, p);
        ReservoirProjection slow = ReservoirProjection.of(unseen, FILL, 0.1, 2.0, null, p);
        Instant due = slow.refillDue().dueAt();
        Instant expected = slow.lowReservoirAt().expected();
        assertThat(Duration.between(slow.lowReservoirBound(), expected)).isGreaterThan(notice);

        Instant opens = slow.refillNoticeFrom(notice, false, p);
        // Not due - notice (over five weeks before the expected alarm date), and never with less than half the
        // notice (7 d) before the due date
        assertThat(opens).isAfter(due.minus(notice)).isEqualTo(due.minus(notice.dividedBy(2)));
        assertThat(Duration.between(opens, expected)).isLessThan(Duration.ofDays(35));

        // A band narrower than the notice: the notice counts from the expected date
        ReservoirEstimate narrower = ReservoirEstimate.unknown(16, 20, p);
        ReservoirProjection fast = ReservoirProjection.of(narrower, FILL, 0.5, 2.0, null, p);
        Instant fastDue = fast.refillDue().dueAt();
        Instant byExpected = fast.lowReservoirAt().expected().minus(p.clinicLeadTime()).minus(notice);
        assertThat(byExpected).isAfter(fastDue.minus(notice)).isBefore(fastDue.minus(notice.dividedBy(2)));
        assertThat(fast.refillNoticeFrom(notice, false, p)).isEqualTo(byExpected);

        // Once the twin has seen the fill the notice stays in full (it is the margin for what telemetry cannot show)
        assertThat(slow.refillNoticeFrom(notice, true, p)).isEqualTo(due.minus(notice));
        ReservoirEstimate full = ReservoirEstimate.filled(20, false, p);
        ReservoirProjection seen = ReservoirProjection.of(full, FILL, 0.25, 2.0, FILL, p);
        assertThat(seen.refillNoticeFrom(notice, true, p)).isEqualTo(seen.refillDue().dueAt().minus(notice));

        // The drug stability date is exact: full notice
        ReservoirProjection stability = ReservoirProjection.of(full, FILL, 0.025, 2.0, FILL, p);
        assertThat(stability.refillNoticeFrom(notice, false, p)).isEqualTo(FILL.plus(Duration.ofDays(180)).minus(notice));
    }
}
