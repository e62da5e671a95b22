package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.events.AlertType;
import io.pumptwin.simulator.scenario.Scenario;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The judge's verdict on a pump's motor stall, for the judge tests of the scenarios built on a stall. */
final class JudgedStall {

    private JudgedStall() {
    }

    /**
     * The MOTOR_STALL outcome of {@code h}'s faults as {@code judge} judges them in a run of {@code scenario}, after
     * checking that the same stall judged as a PUMP_CRITICAL_ALARM condition (the only one) is flagged alike.
     */
    static Outcome of(DetectionEvaluation judge, Scenario scenario, long start, long runEnd, PumpHistory h) {
        List<Outcome> faults = new ArrayList<>();
        Map<AlertType, List<Outcome>> conditions = new EnumMap<>(AlertType.class);
        for (AlertType t : AlertType.values()) {
            conditions.put(t, new ArrayList<>());
        }
        judge.judgeFaults(scenario, start, runEnd, h, faults, conditions);
        Outcome stalled = faults.stream().filter(o -> o.condition().equals("MOTOR_STALL")).findFirst().orElseThrow();
        assertThat(conditions.get(AlertType.PUMP_CRITICAL_ALARM)).singleElement()
                .satisfies(o -> assertThat(o.flagged()).isEqualTo(stalled.flagged()));
        return stalled;
    }
}
