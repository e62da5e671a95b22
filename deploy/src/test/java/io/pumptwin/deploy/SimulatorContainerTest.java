package io.pumptwin.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.simulator.SimulatorCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The simulator image's environment becomes {@code simulate} options that the command accepts: with
 * {@code SIM_METRICS_PORT} (the image sets 8085) the metrics endpoint listens on all interfaces; blank, none.
 * The Dockerfile exposes the port it sets and its health check reads that port's /health.
 */
class SimulatorContainerTest {
  private static final Map<String, String> KAFKA = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092",
      "SCHEMA_REGISTRY_URL", "http://schema-registry:8081/apis/ccompat/v7");

  @Test
  void aMetricsPortServesOnAllInterfacesAndTheCommandTakesIt() {
    Map<String, String> vars = new java.util.HashMap<>(KAFKA);
    vars.put("SIM_METRICS_PORT", "8085");
    vars.put("SIM_PUMPS", "20");
    List<String> args = SimulatorContainer.arguments(new ContainerEnv(vars));
    assertThat(String.join(" ", args)).contains("--metrics-port 8085 --metrics-host 0.0.0.0")
        .contains("--output kafka:kafka-1:9092").contains("--pumps 20");

    SimulatorCommand command = new SimulatorCommand();
    CommandLine.ParseResult parsed = new CommandLine(command).parseArgs(args.toArray(String[]::new));
    assertThat(parsed.matchedOptionValue("--metrics-port", (Integer) null)).isEqualTo(8085);
    assertThat(parsed.matchedOptionValue("--metrics-host", "")).isEqualTo("0.0.0.0");
  }

  @Test
  void noMetricsPortNoEndpointAndANonNumberIsRefused() {
    assertThat(SimulatorContainer.arguments(new ContainerEnv(KAFKA))).doesNotContain("--metrics-port");
    Map<String, String> blank = new java.util.HashMap<>(KAFKA);
    blank.put("SIM_METRICS_PORT", " ");
    assertThat(SimulatorContainer.arguments(new ContainerEnv(blank))).doesNotContain("--metrics-port");
    Map<String, String> wrong = new java.util.HashMap<>(KAFKA);
    wrong.put("SIM_METRICS_PORT", "eighty");
    assertThatThrownBy(() -> SimulatorContainer.arguments(new ContainerEnv(wrong)))
        .hasMessageContaining("SIM_METRICS_PORT");
  }

  @Test
  void theImageExposesItsMetricsPortAndItsHealthCheckReadsIt() throws Exception {
    String dockerfile = Files.readString(Path.of("images", "fleet-simulator", "Dockerfile"));
    Matcher port = Pattern.compile("SIM_METRICS_PORT=(\\d+)").matcher(dockerfile);
    assertThat(port.find()).as("the image sets SIM_METRICS_PORT").isTrue();
    assertThat(dockerfile).containsPattern("(?m)^EXPOSE .*\\b" + port.group(1) + "\\b")
        .containsPattern("(?s)HEALTHCHECK .*http-ok \"\\$SIM_METRICS_PORT\" /health");
  }
}
