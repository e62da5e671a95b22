package io.pumptwin.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
}
