package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.StatusReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** BATTERY_ERI as staff see it: raised the notice period before the projected ERI, and not flapping after. */
class BatteryAlertTest {

    private static final TwinModelParameters PARAMETERS = TwinModelParameters.defaults()
            .withSilentAfter(Duration.ofDays(365));

    /** 500 mcg/day at 2000 mcg/mL: 0.25 mL/day, a drain of about 0.033 %/day on the nominal model. */
    private static PumpScenario pumpAt(double batteryPercent) {
        PumpScenario pump = new PumpScenario("BAT-1", PARAMETERS);
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        pump.at(0, StatusReport.of(20, 20, 2.0, 2000, 500, batteryPercent));
        return pump;
    }

    private static long raised(PumpScenario pump) {
        return pump.raised().stream().filter(e -> e.type() == TwinEventType.BATTERY_ERI
                && e.transition() == TwinEventTransition.RAISED).count();
    }

    private static long cleared(PumpScenario pump) {
        return pump.raised().stream().filter(e -> e.type() == TwinEventType.BATTERY_ERI
                && e.transition() == TwinEventTransition.CLEARED).count();
    }

    /**
     * ERI is the labeled 90 days before end of service: at 8 % about 240 days of service are left at this flow, so ERI
     * is months away and no alert is due (a fixed 10 % ERI level raised it at the first report); at 4.9 % ERI is
     * about 57 days away, inside the 60-day notice.
     */
    @Test
    void eri_is_announced_the_notice_period_before_ninety_days_of_service_are_left() {
        assertThat(raised(pumpAt(8))).isZero();
        assertThat(raised(pumpAt(4.9))).isEqualTo(1);
    }

    /**
     * A reading a few tenths of a percent higher moves the projected ERI back out beyond the notice by a few days: the
     * open alert stands instead of clearing and opening again with the next low reading (each opening is a new alert
     * for staff).
     */
    @Test
    void an_open_eri_alert_stands_through_gauge_noise() {
        PumpScenario pump = pumpAt(4.9);
        assertThat(raised(pump)).isEqualTo(1);
        pump.at(1, StatusReport.of(19.75, 20, 2.0, 2000, 500, 5.6));
        pump.at(2, StatusReport.of(19.5, 20, 2.0, 2000, 500, 4.8));
        pump.at(3, StatusReport.of(19.25, 20, 2.0, 2000, 500, 5.6));
        assertThat(cleared(pump)).isZero();
        assertThat(raised(pump)).isEqualTo(1);
    }
}
