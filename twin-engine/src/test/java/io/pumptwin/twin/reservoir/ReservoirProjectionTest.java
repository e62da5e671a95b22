package io.pumptwin.twin.reservoir;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReservoirProjectionTest {

    private static final Instant FILL = Instant.parse("2026-01-05T08:00:00Z");
    private final ReservoirModelParameters p = ReservoirModelParameters.wesemann2014();

    @Test
    void refill_is_due_at_the_low_reservoir_band_early_edge_less_the_clinic_lead_time() {
        ReservoirEstimate full = ReservoirEstimate.filled(20, false, p);
        ReservoirProjection projection = ReservoirProjection.of(full, FILL, 0.25, 2.0, FILL, p);

        assertThat(projection.refillDue().limit()).isEqualTo(RefillDue.Limit.RESERVOIR);
        assertThat(projection.refillDue().dueAt())
                .isEqualTo(projection.lowReservoirAt().earliest().minus(p.clinicLeadTime()));
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
}
