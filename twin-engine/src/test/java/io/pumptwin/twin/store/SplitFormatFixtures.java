package io.pumptwin.twin.store;

import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.Symptom;

/** Twins the store format tests share. */
final class SplitFormatFixtures {

    /**
     * A pump heard 80 times, every 6 hours at first and then at odd milliseconds: its de-duplication memory is full
     * (64 events, the newest 8 with their ids), with a symptom report, a dose change and a critical alarm among them.
     */
    static PumpTwinScenarios.Story fullMemoryPump() {
        var story = PumpTwinScenarios.filledPump("STORE-F", 500, io.pumptwin.twin.TwinModelParameters.defaults());
        for (int k = 1; k <= 70; k++) {
            story.status(k * 0.25);
        }
        story.symptoms(17.6, Symptom.SPASTICITY_RETURN);
        story.doseChange(17.7, 500, 550, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        for (int k = 0; k < 6; k++) {
            story.status(17.8 + k * 0.1234567);
        }
        story.alarm(18.6, PumpAlarmKind.MOTOR_STALL);
        story.advance(19);
        return story;
    }

    private SplitFormatFixtures() {
    }
}
