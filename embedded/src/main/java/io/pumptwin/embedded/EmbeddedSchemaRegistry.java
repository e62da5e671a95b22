package io.pumptwin.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry, run as a child process from Maven Central's distribution, serving the
 * Confluent-compatible API at {@link #ccompatUrl()}.
 *
 * <p>Apicurio 2.6's app keeps its data in H2, in memory by default. Here H2 writes to a file in the
 * data directory instead, so a restart keeps every subject and, above all, every schema id: records
 * already on the broker carry those ids in their Confluent header and must stay readable. (The
 * Kafka-backed "kafkasql" storage is a separate distribution in 2.x and not part of this archive.)
 *
 * <p>The child is ended by its PID on {@link #close()} and by a JVM shutdown hook; a child left
 * behind by a JVM that was killed outright is found through a PID file and ended on the next start.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  /**
   * @param port HTTP port on 127.0.0.1
   * @param dataDir holds the H2 database, the child's log and its PID file
   * @param archive the distribution tar.gz
   * @param cacheDir where the archive is unpacked (shared across runs)
   * @param maxHeap the child's -Xmx, e.g. "256m" (about 300 MB RSS measured, ENVIRONMENT.md)
   * @param readyTimeout how long to wait for the API to answer
   */
  public record Settings(int port, Path dataDir, Path archive, Path cacheDir, String maxHeap,
      Duration readyTimeout) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(archive, "archive");
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(maxHeap, "maxHeap");
      Objects.requireNonNull(readyTimeout, "readyTimeout");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535: " + port);
      }
    }

    public static Settings of(int port, Path dataDir) {
      return new Settings(port, dataDir, ApicurioDistribution.defaultArchive(),
          ApicurioDistribution.defaultCacheDir(), "256m", Duration.ofSeconds(120));
    }
  }

  private final Settings settings;
  private final Thread shutdownHook;
  private Process process;

  private EmbeddedSchemaRegistry(Settings settings, Process process) {
    this.settings = settings;
    this.process = process;
    this.shutdownHook = new Thread(this::stopChild, "registry-child-reaper-" + process.pid());
  }

  /** Starts the child process and returns at once; call {@link #awaitReady()} before use. */
  public static EmbeddedSchemaRegistry launch(Settings settings) {
    Path runner = ApicurioDistribution.runnerJar(settings.archive(), settings.cacheDir());
    Path dataDir = settings.dataDir().toAbsolutePath();
    Path pidFile = dataDir.resolve("registry.pid");
    Path logFile = dataDir.resolve("registry.log");
    try {
      Files.createDirectories(dataDir);
      endLeftover(pidFile);
    } catch (IOException e) {
      throw new EmbeddedStartupException("cannot prepare registry data directory " + dataDir, e);
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + settings.maxHeap(),
        // A registry answers a handful of requests: fast start matters more than peak speed on a
        // two-core machine shared with the broker and the build.
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + settings.port(),
        "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dataDir.resolve("registry-db")
            + ";DB_CLOSE_ON_EXIT=FALSE",
        "-Dquarkus.datasource.jdbc.min-size=1",
        "-Dquarkus.datasource.jdbc.initial-size=1",
        "-Dquarkus.datasource.jdbc.max-size=8",
        // Agroal's default 5 s to open a connection is not enough on a two-core machine under load
        // (measured: start-up failed with "Acquisition timeout while waiting for new connection" at a
        // load average of 50); a slow start is better than none.
        "-Dquarkus.datasource.jdbc.acquisition-timeout=60S",
        "-Dquarkus.log.console.color=false",
        "-jar", runner.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(runner.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Process process;
    try {
      process = builder.start();
      Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EmbeddedStartupException("cannot start Apicurio Registry: " + command, e);
    }
    EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(settings, process);
    Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
    log.info("event=registry.launched pid={} port={} log={}", process.pid(), settings.port(), logFile);
    return registry;
  }

  /** Starts the child and waits until its Confluent-compatible API answers. */
  public static EmbeddedSchemaRegistry start(Settings settings) {
    EmbeddedSchemaRegistry registry = launch(settings);
    try {
      registry.awaitReady();
      return registry;
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Polls {@code GET /subjects} until it answers 200; fails early if the child exits. */
  public void awaitReady() {
    long started = System.nanoTime();
    long deadline = started + settings.readyTimeout().toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    String lastProblem = "no answer yet";
    while (System.nanoTime() < deadline) {
      Process p = currentProcess();
      if (p == null || !p.isAlive()) {
        throw new EmbeddedStartupException("Apicurio Registry exited during start-up"
            + (p == null ? "" : " with code " + p.exitValue()) + " (port " + settings.port()
            + " in use?); last lines of " + logFile() + ":\n" + tail(logFile(), 20));
      }
      try {
        HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          log.info("event=registry.ready url={} pid={} startMs={}", ccompatUrl(), p.pid(),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
          return;
        }
        lastProblem = "HTTP " + response.statusCode();
      } catch (IOException e) {
        lastProblem = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedStartupException("interrupted while waiting for the registry", e);
      }
      EmbeddedKafka.pause(Duration.ofMillis(200));
    }
    throw new EmbeddedStartupException("Apicurio Registry at " + ccompatUrl() + " not ready within "
        + settings.readyTimeout() + " (" + lastProblem + "); see " + logFile());
  }

  /** The Confluent-compatible API base, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + settings.port() + CCOMPAT_PATH;
  }

  public Optional<Long> pid() {
    Process p = currentProcess();
    return p == null ? Optional.empty() : Optional.of(p.pid());
  }

  public Path logFile() {
    return settings.dataDir().toAbsolutePath().resolve("registry.log");
  }

  private synchronized Process currentProcess() {
    return process;
  }

  /** Ends the child by its PID (SIGTERM, then SIGKILL after 15 s); safe to call more than once. */
  @Override
  public void close() {
    stopChild();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running or has run; nothing to remove.
    }
  }

  private synchronized void stopChild() {
    if (process == null) {
      return;
    }
    Process p = process;
    process = null;
    long pid = p.pid();
    p.destroy();
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        log.warn("event=registry.kill pid={} reason=no-exit-after-SIGTERM", pid);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(settings.dataDir().toAbsolutePath().resolve("registry.pid"));
    } catch (IOException e) {
      log.warn("event=registry.pidfile.delete.failed error={}", e.toString());
    }
    log.info("event=registry.stopped pid={} alive={}", pid, p.isAlive());
  }

  /** A registry child of a JVM that was killed outright still holds the port and the H2 file. */
  private static void endLeftover(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
    Files.deleteIfExists(pidFile);
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return;
    }
    ProcessHandle.of(pid)
        .filter(h -> h.info().commandLine().map(c -> c.contains("apicurio-registry")).orElse(false))
        .ifPresent(h -> {
          log.warn("event=registry.leftover.kill pid={}", pid);
          h.destroy();
          try {
            h.onExit().get(15, TimeUnit.SECONDS);
          } catch (Exception e) {
            h.destroyForcibly();
          }
        });
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
