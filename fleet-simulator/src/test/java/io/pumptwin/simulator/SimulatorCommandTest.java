package io.pumptwin.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorCommandTest {

    @Test
    void runsAScenarioToJsonLinesAndPrintsASummary(@TempDir Path dir) throws IOException {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new SimulatorCommand());
        command.setOut(new PrintWriter(out));
        int exit = command.execute("--scenario", "motor-stall", "--seed", "3", "--pumps", "10", "--days", "2",
                "--output", "jsonl:" + dir);
        assertThat(exit).isZero();
        String text = out.toString();
        assertThat(text).contains("event=simulation.started scenario=motor-stall seed=3 pumps=10");
        assertThat(text).contains("event=simulation.finished scenario=motor-stall").contains("pumps=10")
                .contains("simulated_days=2.00").contains("events_per_s=");
        List<String> telemetry = Files.readAllLines(dir.resolve("telemetry.jsonl"));
        // 10 pumps x 2 days x 96 status reports, plus whatever else happened.
        assertThat(telemetry.size()).isGreaterThanOrEqualTo(10 * 2 * 96);
        assertThat(telemetry.get(0)).contains("\"pumpSerial\": \"SIM0000000\"");
        assertThat(Files.readAllLines(dir.resolve("ground-truth.jsonl"))).hasSizeGreaterThanOrEqualTo(10 * 2 * 24);
    }

    @Test
    void refusesAnUnknownScenarioWithItsName() {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new SimulatorCommand());
        command.setErr(new PrintWriter(err));
        int exit = command.execute("--scenario", "no-such-scenario");
        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("no-such-scenario").contains("is not a shipped scenario");
    }
}
