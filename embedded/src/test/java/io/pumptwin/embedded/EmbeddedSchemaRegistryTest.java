package io.pumptwin.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryTest {

  @TempDir Path dir;

  @Test
  void servesTheConfluentApiAndCloseEndsTheChildProcess() throws Exception {
    int port = EmbeddedKafkaTest.freePorts(1)[0];
    long pid;
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(EmbeddedSchemaRegistry.Settings.of(port, dir))) {
      assertThat(registry.ccompatUrl()).isEqualTo("http://127.0.0.1:" + port + "/apis/ccompat/v7");
      HttpResponse<String> subjects = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(subjects.statusCode()).isEqualTo(200);
      assertThat(subjects.body()).isEqualTo("[]");
      pid = registry.pid().orElseThrow();
      assertThat(ProcessHandle.of(pid)).isPresent();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("registry child %d ended", pid).isFalse();
    assertThat(dir.resolve("registry.pid")).doesNotExist();
  }

  @Test
  void aMissingDistributionIsATypedErrorThatSaysHowToGetIt() {
    var settings = new EmbeddedSchemaRegistry.Settings(18099, dir, dir.resolve("nope-all.tar.gz"),
        dir.resolve("cache"), "256m", Duration.ofSeconds(5));
    assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(settings))
        .isInstanceOf(EmbeddedStartupException.class)
        .hasMessageContaining("nope-all.tar.gz")
        .hasMessageContaining(ApicurioDistribution.ARCHIVE_PROPERTY);
  }

  /**
   * The CI failure, made certain: the port the registry picks is taken by another process before
   * the child binds it. The child exits saying so, and the registry relaunches on a new port.
   */
  @Test
  void aPickedPortTakenBeforeTheChildBindsItIsReplacedByANewOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int busy = taken.getLocalPort();
      int free = EmbeddedKafkaTest.freePorts(1)[0];
      List<Integer> handedOut = new CopyOnWriteArrayList<>();
      IntSupplier picker = () -> {
        int port = handedOut.isEmpty() ? busy : free;
        handedOut.add(port);
        return port;
      };
      long firstPid;
      long secondPid;
      try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.launch(
          EmbeddedSchemaRegistry.Settings.anyPort(dir), picker)) {
        firstPid = registry.pid().orElseThrow();
        assertThat(registry.port()).isEqualTo(busy);

        registry.awaitReady();

        assertThat(handedOut).containsExactly(busy, free);
        assertThat(registry.port()).isEqualTo(free);
        assertThat(registry.ccompatUrl()).isEqualTo("http://127.0.0.1:" + free + "/apis/ccompat/v7");
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.statusCode()).isEqualTo(200);
        secondPid = registry.pid().orElseThrow();
        assertThat(secondPid).isNotEqualTo(firstPid);
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
            .as("first registry child %d gone", firstPid).isFalse();
        assertThat(Files.readString(dir.resolve("registry.pid")).strip()).isEqualTo(Long.toString(secondPid));
        assertThat(Files.readString(registry.logFile())).contains("Port " + busy + " seems to be in use");
      }
      assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false))
          .as("second registry child %d ended by close()", secondPid).isFalse();
    }
  }

  /** A port the caller chose is kept: in use, the start fails with the port named, as before. */
  @Test
  void aFixedPortInUseFailsWithoutPickingAnother() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int busy = taken.getLocalPort();
      IntSupplier noPicking = () -> {
        throw new AssertionError("a fixed port must not be replaced");
      };
      try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.launch(
          EmbeddedSchemaRegistry.Settings.of(busy, dir), noPicking)) {
        assertThatThrownBy(registry::awaitReady)
            .isInstanceOf(EmbeddedStartupException.class)
            .hasMessageContaining("exited during start-up")
            .hasMessageContaining("port " + busy + " in use?")
            .hasMessageContaining("Port " + busy + " seems to be in use");
        assertThat(registry.port()).isEqualTo(busy);
      }
    }
  }

  /**
   * Only this launch's part of the appended log counts: a port-in-use line left by an earlier
   * launch does not turn another early exit (here: a heap the JVM refuses) into a relaunch.
   */
  @Test
  void anEarlierLaunchsPortInUseLineDoesNotCauseARelaunch() throws Exception {
    int port = EmbeddedKafkaTest.freePorts(1)[0];
    Files.writeString(dir.resolve("registry.log"), "2026-12-04 13:00:00 ERROR <> [io.quarkus.runtime."
        + "ApplicationLifecycleManager] (main) Port " + port + " seems to be in use by another process.\n");
    List<Integer> handedOut = new CopyOnWriteArrayList<>();
    IntSupplier picker = () -> {
      handedOut.add(port);
      return port;
    };
    var settings = new EmbeddedSchemaRegistry.Settings(0, dir, ApicurioDistribution.defaultArchive(),
        ApicurioDistribution.defaultCacheDir(), "1k", Duration.ofSeconds(60));
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.launch(settings, picker)) {
      assertThatThrownBy(registry::awaitReady)
          .isInstanceOf(EmbeddedStartupException.class)
          .hasMessageContaining("exited during start-up");
    }
    assertThat(handedOut).containsExactly(port);
  }

  @Test
  void portZeroMeansAnyPortAndNegativePortsAreRefused() {
    assertThat(EmbeddedSchemaRegistry.Settings.anyPort(dir).port()).isZero();
    assertThat(EmbeddedSchemaRegistry.Settings.anyPort(dir).picksPort()).isTrue();
    assertThat(EmbeddedSchemaRegistry.Settings.of(18081, dir).picksPort()).isFalse();
    assertThatThrownBy(() -> EmbeddedSchemaRegistry.Settings.of(-1, dir))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedSchemaRegistry.Settings.of(65536, dir))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
