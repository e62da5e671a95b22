package io.pumptwin.twin.topology;

import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pump's backlog through the topology: the pump went quiet, the fleet's stream time moved its twin on (the sweep
 * found it silent), and its home communicator then uploaded three days of stored telemetry at once, a stall among it.
 * The backlog is in order for the pump, so it takes the fast path; the stall counts its hours from when it happened.
 */
class BacklogTopologyTest {

    @Test
    void a_stall_uploaded_days_late_raises_an_urgent_underdose_risk_at_once() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("BKL-T");
            TelemetryStory other = new TelemetryStory("OTHER-T");
            d.send(pump.refill(0, 2.0, 2.0), other.refill(0, 2.0, 2.0));
            for (int day = 1; day <= 10; day++) {
                d.send(pump.status(day), other.status(day));
            }
            for (double day = 10.25; day <= 14; day += 0.25) {
                d.send(other.status(day));
            }
            assertThat(d.openConditions("BKL-T")).containsExactly(TwinEventType.PUMP_SILENT);
            int before = d.events("BKL-T").size();

            d.send(pump.alarm(11, PumpAlarmKind.MOTOR_STALL, true), pump.status(12, PumpAlarmKind.MOTOR_STALL),
                    pump.status(13, PumpAlarmKind.MOTOR_STALL));

            List<TwinEvent> backlog = d.events("BKL-T").subList(before, d.events("BKL-T").size());
            assertThat(backlog).filteredOn(e -> e.getType() == TwinEventType.UNDERDOSE_RISK).first()
                    .satisfies(e -> assertThat(e.getRiskLevel().toString()).as("three days without baclofen")
                            .isEqualTo("URGENT"));
            assertThat(d.latest("BKL-T").getUnderdose().getLevel().toString()).isEqualTo("URGENT");
            assertThat(d.deadLetterLog).isEmpty();
        }
    }
}
