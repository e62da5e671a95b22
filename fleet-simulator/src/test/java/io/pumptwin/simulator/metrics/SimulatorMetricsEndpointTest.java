package io.pumptwin.simulator.metrics;

import io.pumptwin.simulator.SimulatorCommand;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.fleet.Pacer;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code simulate --metrics-port}: while the simulation runs, /metrics serves the documented meters in Prometheus
 * text and /health answers; the counts agree with what the output wrote; interrupted, the simulator stops, says
 * so, and its endpoint goes away.
 */
class SimulatorMetricsEndpointTest {
    private static final Pattern LISTENING = Pattern.compile("event=simulator.metrics_listening host=\\S+ port=(\\d+)");
    private static final Pattern SENT = Pattern.compile("(?m)^simulator_events_sent_total\\{kind=\"([a-z_]+)\"} (\\S+)$");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void servesTheSimulatorsMetersWhileItRunsAndStopsWhenInterrupted(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new SimulatorCommand());
        command.setOut(new PrintWriter(out, true));
        // Three pumps for a year at one simulated day per wall second: runs far longer than the test needs.
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread runner = new Thread(() -> exit.complete(command.execute("--scenario", "motor-stall", "--pumps", "3",
                "--days", "365", "--time-mode", "accelerated:86400", "--output", "jsonl:" + dir,
                "--metrics-port", "0")), "simulator-under-test");
        runner.start();
        int port;
        try {
            port = awaitPort(out);
            String base = "http://127.0.0.1:" + port;

            HttpResponse<String> health = get(base + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
            assertThat(get(base + "/nothing").statusCode()).isEqualTo(404);

            String metrics = awaitMetrics(base, "simulator_events_sent_total{kind=\"status_report\"}");
            assertThat(get(base + "/metrics").headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain"));
            assertThat(value(metrics, "simulator_pumps")).isEqualTo(3.0);
            assertThat(value(metrics, "simulator_send_failures_total")).isZero();
            assertThat(value(metrics, "simulator_simulated_time_seconds")).isPositive();
            // Paced at a speed a two-core machine keeps up with: never a simulated day behind.
            assertThat(value(metrics, "simulator_lag_seconds")).isBetween(0.0, 86_400.0);
            assertThat(metrics).doesNotContain("SIM0000000"); // no pump serial in a tag
        } finally {
            runner.interrupt();
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).as(out.toString()).isEqualTo(130);
        assertThat(out.toString()).contains("event=simulation.stopped scenario=motor-stall");
        assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/health")).isInstanceOf(ConnectException.class);
    }

    @Test
    void countsWhatTheOutputTookByKind(@TempDir Path dir) throws Exception {
        SimulatorMetrics metrics = new SimulatorMetrics();
        Scenario scenario = new ScenarioLoader().load("motor-stall").withOverrides(4, 3.0);
        InMemorySink written = new InMemorySink();
        try (MeteredSink sink = new MeteredSink(written, metrics)) {
            new FleetSimulation(scenario, 5).runToEnd(sink);
        }
        String text = metrics.scrape();
        Matcher sent = SENT.matcher(text);
        double telemetry = 0;
        while (sent.find()) {
            if (sent.group(1).equals(SimulatorMetrics.GROUND_TRUTH)) {
                assertThat(Double.parseDouble(sent.group(2))).isEqualTo(written.groundTruth().size());
            } else {
                telemetry += Double.parseDouble(sent.group(2));
            }
        }
        assertThat(telemetry).isEqualTo(written.telemetry().size());
        long statusReports = written.telemetry().stream()
                .filter(e -> e.getPayload() instanceof io.pumptwin.events.StatusReport).count();
        assertThat(value(text, "simulator_events_sent_total{kind=\"status_report\"}")).isEqualTo(statusReports);
        assertThat(value(text, "simulator_send_failures_total")).isZero();
    }

    @Test
    void withoutTheOptionThereIsNoEndpoint(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new SimulatorCommand());
        command.setOut(new PrintWriter(out, true));
        assertThat(command.execute("--scenario", "motor-stall", "--pumps", "2", "--days", "1",
                "--output", "jsonl:" + dir)).isZero();
        assertThat(out.toString()).doesNotContain("metrics_listening").contains("event=simulation.finished");
    }

    @Test
    void lagIsTheSimulatedTimeBehindTheTimeModesTargetAndNaNAsFastAsPossible() {
        Scenario scenario = new ScenarioLoader().load("motor-stall").withOverrides(2, 2.0);
        FleetSimulation simulation = new FleetSimulation(scenario, 1);
        long start = 1_000_000_000L;
        long oneSecond = 1_000_000_000L;
        // One wall second at 3600x: the target is one simulated hour; nothing simulated yet, so an hour behind.
        assertThat(SimulatorMetrics.lagSeconds(simulation, new Pacer.Accelerated(3600), start, start + oneSecond))
                .isEqualTo(3600.0);
        simulation.step(new InMemorySink());
        double step = simulation.stepMillis() / 1000.0;
        assertThat(SimulatorMetrics.lagSeconds(simulation, new Pacer.Accelerated(3600), start, start + oneSecond))
                .isEqualTo(Math.max(0, 3600.0 - step));
        // Ahead of the target is no lag; the target never runs past the end of the run.
        assertThat(SimulatorMetrics.lagSeconds(simulation, new Pacer.RealTime(), start, start)).isZero();
        assertThat(SimulatorMetrics.lagSeconds(simulation, new Pacer.Accelerated(3600), start,
                start + 3600 * oneSecond)).isEqualTo(2 * 86_400.0 - step);
        assertThat(SimulatorMetrics.lagSeconds(simulation, new Pacer.AsFastAsPossible(), start, start + oneSecond))
                .isNaN();
    }

    private int awaitPort(StringWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(out.toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50); // polling: the printed line decides, bounded by the deadline
        }
        throw new AssertionError("the simulator never said where its metrics are:\n" + out);
    }

    /** /metrics once it shows {@code series}: the first step may still be on its way. */
    private String awaitMetrics(String base, String series) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(base + "/metrics").body();
            if (body.contains(series + " ")) {
                return body;
            }
            Thread.sleep(200); // polling: the scraped series decides, bounded by the deadline
        }
        throw new AssertionError(series + " never appeared in\n" + body);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one series in Prometheus text: {@code name{labels} value}. */
    static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError(series + " is not in\n" + metrics);
    }
}
