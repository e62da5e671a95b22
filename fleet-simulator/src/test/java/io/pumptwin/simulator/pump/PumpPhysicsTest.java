package io.pumptwin.simulator.pump;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.simulator.scenario.Scenario.BatteryModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PumpPhysicsTest {
    private static final long DAY = 86_400_000L;

    @ParameterizedTest
    @EnumSource(value = InfusionMode.class, names = {"SIMPLE_CONTINUOUS", "FLEXIBLE", "PERIODIC_BOLUS"})
    void everyModeDeliversDoseOverConcentrationPerDay(InfusionMode mode) {
        // DOMAIN.md: 500 mcg/day at 2000 mcg/mL = 0.25 mL/day.
        InfusionProgram program = new InfusionProgram(mode, 500, 2000, 0.006);
        double sum = 0;
        long start = 1_767_571_200_000L; // a midnight
        for (long t = start; t < start + DAY; t += 15 * 60_000L) {
            sum += program.volumeMl(t, t + 15 * 60_000L);
        }
        assertThat(sum).isCloseTo(0.25, within(1e-12));
        assertThat(program.volumeMl(start + 7 * 3_600_000L, start + 7 * 3_600_000L + DAY)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void flexibleDeliversMoreAtNightAndMinimumRateIsEffectivelyNothing() {
        InfusionProgram flexible = new InfusionProgram(InfusionMode.FLEXIBLE, 500, 2000, 0.006);
        long midnight = 1_767_571_200_000L;
        assertThat(flexible.volumeMl(midnight + 2 * 3_600_000L, midnight + 3 * 3_600_000L))
                .isGreaterThan(flexible.volumeMl(midnight + 12 * 3_600_000L, midnight + 13 * 3_600_000L));
        InfusionProgram reset = flexible.afterReset();
        assertThat(reset.mode()).isEqualTo(InfusionMode.MINIMUM_RATE);
        assertThat(reset.reportedDoseMcgPerDay()).isEqualTo(12.0);
    }

    @Test
    void theLedgerNeverPumpsMoreThanTheReservoirHoldsAndRefusesNegativeVolumes() {
        ReservoirLedger ledger = new ReservoirLedger();
        ledger.fill(1_000);
        assertThat(ledger.pumpOut(5_000, 0.5)).isEqualTo(500);
        assertThat(ledger.inReservoir()).isZero();
        assertThat(ledger.leaked()).isEqualTo(500);
        assertThat(ledger.balances()).isTrue();
        assertThatThrownBy(() -> ledger.fill(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.pumpOut(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batteryLastsAboutSevenYearsAtTheReferenceFlowWithEriAboutNinetyDaysBeforeEos() {
        BatteryModel model = new ScenarioLoader().load("nominal-fleet").battery();
        Battery battery = new Battery(model, 100, false, 100);
        int day = 0;
        int eriDay = -1;
        while (!battery.eos() && day < 20_000) {
            Battery.Crossing crossing = battery.drain(1, 0.5);
            day++;
            if (crossing == Battery.Crossing.ELECTIVE_REPLACEMENT) {
                eriDay = day;
            }
        }
        assertThat(day / 365.25).isCloseTo(7.0, within(0.01));
        assertThat(day - eriDay).isBetween(89, 91);
        // A faster flow wears the battery out sooner.
        assertThat(Battery.drainPerDay(model, 1.0)).isGreaterThan(Battery.drainPerDay(model, 0.5));
    }

    @Test
    void anAdvisoryBatteryReadsHighOnItsOwnGauge() {
        BatteryModel model = new ScenarioLoader().load("battery-advisory").battery();
        Battery battery = new Battery(model, 60, true, 30);
        assertThat(battery.truePercent()).isEqualTo(50.0);
        assertThat(battery.gaugePercent()).isEqualTo(70.0);
    }
}
