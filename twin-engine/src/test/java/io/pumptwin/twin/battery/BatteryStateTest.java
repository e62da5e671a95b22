package io.pumptwin.twin.battery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class BatteryStateTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final BatteryModelParameters p = BatteryModelParameters.defaults();

    private static Instant days(double d) {
        return T0.plus(Duration.ofMillis(Math.round(d * 86_400_000)));
    }

    @Test
    void a_new_battery_at_the_reference_flow_lasts_about_seven_years() {
        BatteryProjection projection = BatteryState.initial(null).withReading(T0, 100, 0.5, p).project(T0, 0.5, p);
        assertThat(projection.basis()).isEqualTo(BatteryProjection.Basis.NOMINAL_MODEL);
        // 90% of 7 years to ERI at 10% remaining, then 90 days to end of service
        assertThat(Duration.between(T0, projection.eriAt()).toDays()).isBetween(2295L, 2305L);
        assertThat(Duration.between(projection.eriAt(), projection.endOfServiceAt())).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void depletion_grows_with_flow_rate() {
        BatteryState s = BatteryState.initial(null).withReading(T0, 80, 0.5, p);
        assertThat(s.project(T0, 1.0, p).eriAt()).isBefore(s.project(T0, 0.25, p).eriAt());
    }

    @Test
    void a_battery_falling_faster_than_nominal_is_projected_from_its_history() {
        BatteryState s = BatteryState.initial(null);
        for (int d = 0; d <= 60; d += 7) {
            s = s.withReading(days(d), 80 - d * 0.1, 0.5, p); // 0.1%/day, nominal is about 0.039%/day
        }
        BatteryProjection projection = s.project(days(60), 0.5, p);
        assertThat(projection.basis()).isEqualTo(BatteryProjection.Basis.FITTED_HISTORY);
        assertThat(projection.percentPerDay()).isBetween(0.099, 0.101);
        // 74.4% left at day 56, 64.4 points to ERI at 0.1%/day
        assertThat(Duration.between(days(56), projection.eriAt()).toDays()).isBetween(640L, 648L);
    }

    @Test
    void after_the_pump_raises_eri_end_of_service_follows_in_about_90_days() {
        BatteryState s = BatteryState.initial(null).withReading(T0, 12, 0.5, p).withEri(days(3));
        BatteryProjection projection = s.project(days(10), 0.5, p);
        assertThat(projection.basis()).isEqualTo(BatteryProjection.Basis.REPORTED_ERI);
        assertThat(projection.endOfServiceAt()).isEqualTo(days(93));
    }

    @Test
    void pumps_made_before_august_2011_are_in_the_advisory_cohort_and_warned_earlier() {
        BatteryState old = BatteryState.initial(LocalDate.of(2010, 5, 1)).withReading(T0, 60, 0.5, p);
        BatteryState recent = BatteryState.initial(LocalDate.of(2012, 5, 1)).withReading(T0, 60, 0.5, p);
        assertThat(old.advisoryCohort(p)).isTrue();
        assertThat(recent.advisoryCohort(p)).isFalse();
        assertThat(BatteryState.initial(null).advisoryCohort(p)).isFalse();
        assertThat(old.project(T0, 0.5, p).eriAt()).isBefore(recent.project(T0, 0.5, p).eriAt());
    }
}
