package io.pumptwin.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The twin engine's state directory cannot be written: it must say so and stop, not run without
 * state or loop, and it must not have consumed anything, so a start on a good directory later
 * builds every twin from the first record.
 *
 * <p>chmod does not stop root (CI runs as root), so the directory is made impossible instead: its
 * path goes through a regular file, where no process, root included, can create a directory.
 */
class UnwritableStateDirTest {
  private static final String APP = "reliability-twin-statedir";

  @TempDir Path dir;
  private final Path logs = ServiceProcess.logDir("unwritable-state-dir");

  @Test
  void an_engine_whose_state_directory_cannot_be_created_exits_non_zero_with_the_reason_and_consumes_nothing()
      throws Exception {
    FaultReport report = new FaultReport("unwritable-state-dir",
        "twin engine started with a state directory that cannot be created (its path runs through a regular "
            + "file; works as root, unlike chmod)");
    report.figure("outcome", "FAILED (see the test output)");
    SyntheticFleet fleet = SyntheticFleet.endingNow("SD", 6, 12);
    try (RealStack stack = RealStack.startOnFreePorts()) {
      List<TelemetryEnvelope> input = fleet.all();
      try (KafkaProducer<String, TelemetryEnvelope> producer = stack.producer(Topics.TELEMETRY)) {
        for (TelemetryEnvelope e : input) {
          producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), e.getPumpSerial(), e));
        }
        producer.flush();
      }
      Path blocker = Files.writeString(dir.resolve("not-a-directory"), "a regular file");
      Path impossible = blocker.resolve("twin-state");
      int[] ports = FreePorts.pick(2);

      ServiceProcess broken = TwinEngineProcess.start("twin-unwritable", logs.resolve("twin-unwritable.log"),
          stack.bootstrapServers(), stack.registryUrl(), impossible, APP, ports[0]);
      int exit;
      try {
        report.injected("twin engine pid=" + broken.pid() + " started with state.dir=" + impossible);
        exit = broken.awaitExit(Duration.ofSeconds(90));
      } finally {
        broken.close();
      }
      String output = broken.output();
      report.figure("exit code", exit);
      report.figure("reason logged", firstLineMentioning(output, impossible.toString()));
      report.checked("the process exits by itself within 90 s with a non-zero code");
      assertThat(exit).as(output).isNotZero();
      report.checked("its output names the state directory and says it cannot be created");
      assertThat(output).contains(impossible.toString());
      assertThat(output).containsIgnoringCase("state");
      report.checked("it consumed nothing: the application has no committed offsets");
      assertThat(TopicContents.committed(stack.bootstrapServers(), APP)).isEmpty();
      report.checked("its query port is not left serving");
      assertThat(TwinQuery.ready(ports[0])).isFalse();

      // The same application on a directory it can write: every twin from the first record.
      try (ServiceProcess good = TwinEngineProcess.start("twin-writable", logs.resolve("twin-writable.log"),
          stack.bootstrapServers(), stack.registryUrl(), dir.resolve("twin-state"), APP, ports[1])) {
        var stored = TopicContents.readAll(stack.bootstrapServers(), Topics.TELEMETRY.name(),
            stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().deserializer());
        Awaiting.until("the engine on a writable directory processed all telemetry", Duration.ofSeconds(300),
            () -> TopicContents.processedAll(stack.bootstrapServers(), APP, Topics.TELEMETRY.name(), stored),
            () -> good.tail(40));
        var fleetJson = TwinQuery.fleet(ports[1]);
        report.checked("started again on a writable directory, the engine builds every pump's twin from "
            + "the first record (no state was half-written)");
        assertThat(fleetJson.path("count").asInt()).isEqualTo(fleet.pumps());
        int applied = 0;
        for (var pump : fleetJson.path("pumps")) {
          applied += pump.path("eventsApplied").asInt();
        }
        report.figure("telemetry records", input.size());
        report.figure("events applied after the restart on a writable directory", applied);
        report.figure("lost", Math.max(0, input.size() - applied));
        report.figure("duplicated", Math.max(0, applied - input.size()));
        report.checked("every telemetry record applied exactly once (eventsApplied summed over the twins)");
        assertThat(applied).isEqualTo(input.size());
      }
      report.figure("outcome", "passed");
    } finally {
      report.write();
    }
  }

  private static String firstLineMentioning(String output, String text) {
    return output.lines().filter(l -> l.contains(text)).findFirst().map(String::strip)
        .map(l -> l.replace("|", "/")).orElse("(none)");
  }
}
