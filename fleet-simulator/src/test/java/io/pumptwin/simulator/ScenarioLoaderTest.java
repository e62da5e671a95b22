package io.pumptwin.simulator;

import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.simulator.fleet.Pacer;
import io.pumptwin.simulator.scenario.InvalidScenarioException;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioLoaderTest {
    private final ScenarioLoader loader = new ScenarioLoader();

    @Test
    void everyShippedScenarioLoadsOverTheDefaults() {
        for (String name : ScenarioLoader.SHIPPED) {
            Scenario scenario = loader.load(name);
            assertThat(scenario.name()).isEqualTo(name);
            assertThat(scenario.statusCadenceMinutes()).isEqualTo(15);
            assertThat(scenario.pumps().deliveryErrorLimit()).isEqualTo(0.145);
        }
        assertThat(loader.load("occlusion").injections()).singleElement()
                .satisfies(i -> assertThat(i.fault()).isEqualTo(TrueFaultKind.CATHETER_OCCLUSION));
        assertThat(loader.load("battery-advisory").startInstant().toString()).startsWith("2013-");
    }

    @Test
    void aFileOverridesOnlyWhatItStates(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, "name: small\nfleetSize: 3\nclinic:\n  missedVisitProbability: 0.5\n");
        Scenario scenario = loader.load(file.toString());
        assertThat(scenario.fleetSize()).isEqualTo(3);
        assertThat(scenario.clinic().missedVisitProbability()).isEqualTo(0.5);
        assertThat(scenario.clinic().drugStabilityDays()).isEqualTo(180);
    }

    @Test
    void badInputIsATypedErrorNamingTheField(@TempDir Path dir) throws IOException {
        Path cadence = dir.resolve("cadence.yaml");
        Files.writeString(cadence, "name: bad\nstatusCadenceMinutes: 7\n");
        assertThatThrownBy(() -> loader.load(cadence.toString())).isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("statusCadenceMinutes");
        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, "name: bad\nfleetSise: 7\n");
        assertThatThrownBy(() -> loader.load(unknown.toString())).isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("fleetSise");
    }

    @Test
    void anInjectionCanFollowThePreviousOneOnTheSamePumpsButTheFirstHasNoneToFollow(@TempDir Path dir) throws IOException {
        assertThat(loader.load("wrong-serial-explant-stall").injections()).satisfiesExactly(
                explant -> {
                    assertThat(explant.fault()).isEqualTo(TrueFaultKind.WRONG_SERIAL_EXPLANT);
                    assertThat(explant.followsPrevious()).isFalse();
                },
                stall -> {
                    assertThat(stall.fault()).isEqualTo(TrueFaultKind.MOTOR_STALL);
                    assertThat(stall.followsPrevious()).isTrue();
                    assertThat(stall.permanent()).isTrue();
                });
        Path first = dir.resolve("first.yaml");
        Files.writeString(first, "name: bad\ninjections:\n  - fault: MOTOR_STALL\n    fraction: 0.5\n    fromDay: 1\n"
                + "    toDay: 2\n    afterPrevious: true\n");
        assertThatThrownBy(() -> loader.load(first.toString())).isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("injections.afterPrevious").hasMessageContaining("first injection");
    }

    @Test
    void aCommunicatorThatStoresAndForwardsIsAnOptionOfTheCommunicatorModelWithABoundedStore(@TempDir Path dir)
            throws IOException {
        Scenario backlog = loader.load("communicator-backlog-stall");
        assertThat(backlog.communicator().storeAndForward()).isTrue();
        assertThat(backlog.communicator().storeCapacity()).as("a week of 15-minute reports").isEqualTo(672);
        assertThat(backlog.communicator().replugProbability()).isEqualTo(1.0);
        assertThat(backlog.communicator().replugMinDays()).isEqualTo(1.0);
        assertThat(backlog.communicator().replugMaxDays()).isEqualTo(4.0);
        assertThat(backlog.injections()).satisfiesExactly(
                outage -> {
                    assertThat(outage.fault()).isEqualTo(TrueFaultKind.COMMUNICATOR_OFFLINE);
                    assertThat(outage.followsPrevious()).isFalse();
                },
                stall -> {
                    assertThat(stall.fault()).isEqualTo(TrueFaultKind.MOTOR_STALL);
                    assertThat(stall.followsPrevious()).isTrue();
                    assertThat(stall.permanent()).isTrue();
                });
        // Every other shipped scenario's communicator keeps nothing (out of range), as before the option existed.
        for (String name : ScenarioLoader.SHIPPED) {
            if (!name.equals("communicator-backlog-stall")) {
                assertThat(loader.load(name).communicator().storeAndForward()).as(name).isFalse();
            }
        }
        Path noStore = dir.resolve("no-store.yaml");
        Files.writeString(noStore, "name: bad\ncommunicator:\n  storeAndForward: true\n  storeCapacity: 0\n");
        assertThatThrownBy(() -> loader.load(noStore.toString())).isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("communicator.storeCapacity");
    }

    @Test
    void thePatientsCallAboutAnUnrelayedAlarmIsConfiguredAndValidated(@TempDir Path dir) throws IOException {
        Scenario defaults = loader.load("nominal-fleet");
        assertThat(defaults.patient().alarmCallProbability()).isEqualTo(0.7);
        assertThat(defaults.patient().alarmCallMinHours()).isEqualTo(12.0);
        assertThat(defaults.patient().alarmCallMaxHours()).isEqualTo(72.0);
        Path backwards = dir.resolve("backwards.yaml");
        Files.writeString(backwards, "name: bad\npatient:\n  alarmCallMinHours: 24\n  alarmCallMaxHours: 12\n");
        assertThatThrownBy(() -> loader.load(backwards.toString())).isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("patient.alarmCallMinHours/alarmCallMaxHours");
        Path certain = dir.resolve("certain.yaml");
        Files.writeString(certain, "name: bad\npatient:\n  alarmCallProbability: 1.5\n");
        assertThatThrownBy(() -> loader.load(certain.toString())).isInstanceOf(InvalidScenarioException.class)
                .hasMessageContaining("patient.alarmCallProbability");
    }

    @Test
    void timeModesParse() {
        assertThat(Pacer.parse("afap").wallMillisFor(86_400_000L)).isZero();
        assertThat(Pacer.parse("real-time").wallMillisFor(1000)).isEqualTo(1000);
        assertThat(Pacer.parse("accelerated:3600").wallMillisFor(3_600_000L)).isEqualTo(1000);
        assertThatThrownBy(() -> Pacer.parse("warp")).isInstanceOf(IllegalArgumentException.class);
    }
}
