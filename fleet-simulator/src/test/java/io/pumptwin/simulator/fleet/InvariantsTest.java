package io.pumptwin.simulator.fleet;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class InvariantsTest {

    static List<String> shippedScenarios() {
        return ScenarioLoader.SHIPPED;
    }

    @ParameterizedTest
    @MethodSource("shippedScenarios")
    void massBalanceHoldsForEveryPumpAtEveryStepAndNoVolumeGoesNegative(String name) {
        Scenario scenario = new ScenarioLoader().load(name).withOverrides(60, 45.0);
        FleetSimulation simulation = new FleetSimulation(scenario, 7);
        InMemorySink sink = new InMemorySink();
        long steps = 0;
        while (!simulation.finished()) {
            simulation.step(sink);
            steps++;
            for (SimulatedPump pump : simulation.pumps()) {
                assertThat(pump.massBalanceHolds()).as("mass balance of %s after step %d", pump.serial(), steps).isTrue();
            }
        }
        assertThat(steps).isEqualTo(45 * 96);
        for (GroundTruth g : sink.groundTruth()) {
            assertThat(g.getTrueReservoirMl()).isGreaterThanOrEqualTo(0);
            assertThat(g.getPumpComputedReservoirMl()).isGreaterThanOrEqualTo(0);
            assertThat(g.getCumulativeReachedCsfMl()).isGreaterThanOrEqualTo(0);
            assertThat(g.getCumulativeLeakedMl()).isGreaterThanOrEqualTo(0);
            // What left the reservoir is at most what was put in, less what is still there.
            assertThat(g.getCumulativeDeliveredFromReservoirMl() + g.getTrueReservoirMl())
                    .isLessThanOrEqualTo(g.getCumulativeFilledMl() + 1e-6);
            assertThat(g.getCumulativeReachedCsfMl()).isLessThanOrEqualTo(g.getCumulativeDeliveredFromReservoirMl() + 1e-6);
        }
        for (TelemetryEnvelope e : sink.telemetry()) {
            if (e.getPayload() instanceof StatusReport s) {
                assertThat(s.getPumpComputedReservoirMl()).isBetween(0.0, (double) s.getReservoirCapacityMl());
            }
        }
    }

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
        byte[] first = encode(run("silent-disconnection", 11));
        byte[] second = encode(run("silent-disconnection", 11));
        byte[] other = encode(run("silent-disconnection", 12));
        assertThat(first).hasSizeGreaterThan(100_000);
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void sequencesStartAtOneAndIncreaseByOneWithUniqueIdsAndTimeNeverGoingBack() {
        InMemorySink sink = run("missed-refill", 5);
        Map<String, Long> lastSequence = new HashMap<>();
        Map<String, Long> lastTime = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (TelemetryEnvelope e : sink.telemetry()) {
            long expected = lastSequence.getOrDefault(e.getPumpSerial(), 0L) + 1;
            assertThat(e.getSequence()).as("sequence of %s", e.getPumpSerial()).isEqualTo(expected);
            lastSequence.put(e.getPumpSerial(), e.getSequence());
            long time = e.getEventTime().toEpochMilli();
            assertThat(time).isGreaterThanOrEqualTo(lastTime.getOrDefault(e.getPumpSerial(), Long.MIN_VALUE));
            lastTime.put(e.getPumpSerial(), time);
            assertThat(ids.add(e.getEventId())).as("unique id %s", e.getEventId()).isTrue();
            assertThat(e.getPatientPseudonym()).startsWith("PT-");
        }
        assertThat(lastSequence).hasSize(40);
    }

    @Test
    void deliveryErrorMatchesTheLabelAndTheClinicalMean() {
        Scenario scenario = new ScenarioLoader().load("nominal-fleet").withOverrides(20_000, 1.0);
        FleetSimulation simulation = new FleetSimulation(scenario, 3);
        double sum = 0;
        for (SimulatedPump pump : simulation.pumps()) {
            // Labeled tolerance +/-14.5% (DOMAIN.md).
            assertThat(Math.abs(pump.deliveryError())).isLessThanOrEqualTo(0.145);
            sum += pump.deliveryError();
        }
        // Wesemann et al. 2014: about +1% over-delivery on average.
        assertThat(sum / simulation.pumps().size()).isBetween(0.005, 0.015);
    }

    private static InMemorySink run(String name, long seed) {
        Scenario scenario = new ScenarioLoader().load(name).withOverrides(40, 30.0);
        InMemorySink sink = new InMemorySink();
        new FleetSimulation(scenario, seed).runToEnd(sink);
        return sink;
    }

    private static byte[] encode(InMemorySink sink) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        SpecificDatumWriter<TelemetryEnvelope> telemetry = new SpecificDatumWriter<>(TelemetryEnvelope.class);
        SpecificDatumWriter<GroundTruth> truth = new SpecificDatumWriter<>(GroundTruth.class);
        for (TelemetryEnvelope e : sink.telemetry()) {
            telemetry.write(e, encoder);
        }
        for (GroundTruth g : sink.groundTruth()) {
            truth.write(g, encoder);
        }
        encoder.flush();
        return out.toByteArray();
    }
}
