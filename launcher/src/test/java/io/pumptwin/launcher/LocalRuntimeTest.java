package io.pumptwin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.embedded.ApicurioDistribution;
import io.pumptwin.embedded.LocalStack;
import io.pumptwin.testsupport.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalRuntimeTest {

  @TempDir Path dataDir;

  /** Records what the runtime does to it; a real participant, not a stand-in for infrastructure. */
  static final class RecordingService implements LocalService {
    private final String name;
    private final List<String> journal;
    private final boolean failOnStart;

    RecordingService(String name, List<String> journal, boolean failOnStart) {
      this.name = name;
      this.journal = journal;
      this.failOnStart = failOnStart;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start(LocalStack stack) {
      journal.add("start " + name + " registry-reachable=" + reachable(stack.registryUrl())
          + " kafka-reachable=" + reachable(stack.bootstrapServers()));
      if (failOnStart) {
        throw new IllegalStateException(name + " cannot start");
      }
    }

    @Override
    public void close() {
      journal.add("stop " + name);
    }
  }

  @Test
  void servicesStartAfterTheStackAndAFailedStartStopsEverythingStartedBefore() {
    int[] ports = FreePorts.pick(3);
    LocalSettings settings = new LocalSettings(ports[0], ports[1], ports[2], dataDir,
        ApicurioDistribution.defaultArchive(), ApicurioDistribution.defaultCacheDir());
    List<String> journal = new ArrayList<>();

    assertThatThrownBy(() -> LocalRuntime.start(settings, List.of(
        new RecordingService("gateway", journal, false),
        new RecordingService("engine", journal, false),
        new RecordingService("broken", journal, true))))
        .isInstanceOf(IllegalStateException.class).hasMessage("broken cannot start");

    assertThat(journal).containsExactly(
        "start gateway registry-reachable=true kafka-reachable=true",
        "start engine registry-reachable=true kafka-reachable=true",
        "start broken registry-reachable=true kafka-reachable=true",
        "stop engine",
        "stop gateway");
    assertThat(reachable("127.0.0.1:" + ports[0])).as("broker stopped").isFalse();
    assertThat(reachable("http://127.0.0.1:" + ports[2] + "/")).as("registry child ended").isFalse();
  }

  @Test
  void localTakesPortsAndDataDirectoryAsFlags() {
    var command = new LocalCommand();
    new CommandLine(command).parseArgs("--kafka-port", "19092", "--registry-port", "18081",
        "--data-dir", "/var/tmp/pt");
    LocalSettings s = command.settings();
    assertThat(s.kafkaPort()).isEqualTo(19092);
    assertThat(s.registryPort()).isEqualTo(18081);
    assertThat(s.controllerPort()).isEqualTo(9093);
    assertThat(s.dataDir()).isEqualTo(Path.of("/var/tmp/pt"));
  }

  @Test
  void localDefaultsToTheDocumentedEndpoints() {
    var command = new LocalCommand();
    new CommandLine(command).parseArgs();
    LocalSettings s = command.settings();
    assertThat(s.kafkaPort()).isEqualTo(9092);
    assertThat(s.registryPort()).isEqualTo(8081);
    assertThat(s.dataDir()).isEqualTo(Path.of("./.pumptwin/data"));
  }

  private static boolean reachable(String address) {
    String hostPort = address.replaceFirst("^http://", "").replaceFirst("/.*$", "");
    int colon = hostPort.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
          Integer.parseInt(hostPort.substring(colon + 1))), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
