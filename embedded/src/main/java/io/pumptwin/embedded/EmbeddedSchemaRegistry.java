package io.pumptwin.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
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
 *
 * <p>With {@link Settings#anyPort(Path)} the registry picks a free port itself. A port found free
 * here is only free until the child's JVM binds it, seconds later on a loaded machine, and whatever
 * else starts meanwhile may be handed the same port: on CI a Kafka cluster started next to the
 * registry bound port 0 and got the registry's port first, and the child exited with "Port ...
 * seems to be in use". So when the port was picked here and the child exits during start-up saying
 * so, {@link #awaitReady()} launches it again on a newly picked port (at most {@value
 * #MAX_RELAUNCHES} times); {@link #port()} and {@link #ccompatUrl()} then name the new port. A port
 * given by the caller is never changed: it may be what clients were configured with, or the port of
 * a registry restarted on purpose; that start-up fails as any other early exit does.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
  /** Launches on a newly picked port after the first, for {@link Settings#anyPort(Path)} only. */
  static final int MAX_RELAUNCHES = 3;

  /**
   * @param port HTTP port on 127.0.0.1, or 0 for one the registry picks itself (and picks again if
   *     another process takes it first; see the class comment)
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
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, or 0 for any free port: " + port);
      }
    }

    /** Any free port, picked by the registry: see the class comment. */
    public static Settings anyPort(Path dataDir) {
      return of(0, dataDir);
    }

    /** Whether the registry picks its port itself (and may pick another if that one is taken). */
    public boolean picksPort() {
      return port == 0;
    }

    public static Settings of(int port, Path dataDir) {
      return new Settings(port, dataDir, ApicurioDistribution.defaultArchive(),
          ApicurioDistribution.defaultCacheDir(), "256m", Duration.ofSeconds(120));
    }
  }

  private final Settings settings;
  private final Path runner;
  private final IntSupplier portPicker;
  private final Thread shutdownHook;
  /** The current child; null once closed. */
  private Process process;
  /** The port the current child was told to bind. */
  private int port;
  /** Length of the (appended) log file when the current child was started: its output follows. */
  private long logOffset;
  private int relaunches;

  private EmbeddedSchemaRegistry(Settings settings, Path runner, IntSupplier portPicker) {
    this.settings = settings;
    this.runner = runner;
    this.portPicker = portPicker;
    // Ends whichever child is current when the JVM exits, the first or one launched again.
    this.shutdownHook = new Thread(this::stopChild,
        "registry-child-reaper-" + settings.dataDir().getFileName());
  }

  /** Starts the child process and returns at once; call {@link #awaitReady()} before use. */
  public static EmbeddedSchemaRegistry launch(Settings settings) {
    return launch(settings, EmbeddedSchemaRegistry::freePort);
  }

  /** As {@link #launch(Settings)}, the ports for {@link Settings#anyPort(Path)} from {@code portPicker}. */
  static EmbeddedSchemaRegistry launch(Settings settings, IntSupplier portPicker) {
    Objects.requireNonNull(portPicker, "portPicker");
    Path runner = ApicurioDistribution.runnerJar(settings.archive(), settings.cacheDir());
    Path dataDir = settings.dataDir().toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
      endLeftover(dataDir.resolve("registry.pid"));
    } catch (IOException e) {
      throw new EmbeddedStartupException("cannot prepare registry data directory " + dataDir, e);
    }
    EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(settings, runner, portPicker);
    synchronized (registry) {
      registry.startChild(settings.picksPort() ? registry.pickPort() : settings.port());
    }
    Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
    return registry;
  }

  /** Starts a child on {@code childPort}; the caller holds this object's lock. */
  private void startChild(int childPort) {
    Path logFile = logFile();
    Path dataDir = settings.dataDir().toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + settings.maxHeap(),
        // A registry answers a handful of requests: fast start matters more than peak speed on a
        // two-core machine shared with the broker and the build.
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + childPort,
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
    Process started;
    try {
      long offset = Files.exists(logFile) ? Files.size(logFile) : 0;
      started = builder.start();
      Files.writeString(dataDir.resolve("registry.pid"), Long.toString(started.pid()),
          StandardCharsets.UTF_8);
      logOffset = offset;
    } catch (IOException e) {
      throw new EmbeddedStartupException("cannot start Apicurio Registry: " + command, e);
    }
    process = started;
    port = childPort;
    log.info("event=registry.launched pid={} port={} log={}", started.pid(), childPort, logFile);
  }

  private int pickPort() {
    int picked = portPicker.getAsInt();
    if (picked < 1 || picked > 65535) {
      throw new EmbeddedStartupException("no free port for the registry (picked " + picked + ")");
    }
    return picked;
  }

  /** A port free on 127.0.0.1 just now: the kernel's pick for port 0, released at once. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedStartupException("no free port on 127.0.0.1 for the registry", e);
    }
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

  /**
   * Polls {@code GET /subjects} until it answers 200; fails early if the child exits, unless it
   * exited because another process took the port the registry picked itself: then it is launched
   * again on a new port, with {@link Settings#readyTimeout()} afresh (see the class comment).
   */
  public void awaitReady() {
    long started = System.nanoTime();
    long deadline = started + settings.readyTimeout().toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String lastProblem = "no answer yet";
    while (System.nanoTime() < deadline) {
      Process p = currentProcess();
      if (p == null || !p.isAlive()) {
        if (p != null && relaunchOnNewPort(p)) {
          deadline = System.nanoTime() + settings.readyTimeout().toNanos();
          lastProblem = "no answer yet";
          continue;
        }
        throw new EmbeddedStartupException("Apicurio Registry exited during start-up"
            + (p == null ? "" : " with code " + p.exitValue()) + " (port " + port() + " in use?)"
            + (relaunchCount() > 0 ? " after " + relaunchCount() + " relaunches on newly picked ports" : "")
            + "; last lines of " + logFile() + ":\n" + tail(logFile(), 20));
      }
      HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
          .timeout(Duration.ofSeconds(5)).GET().build();
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

  /**
   * Launches the child again on a newly picked port if {@code exited} is still the current child,
   * the registry picks its port itself, relaunches are left, and this launch's part of the log says
   * the port was in use. Only the part written since this launch counts: the log is appended across
   * launches and restarts, and an old "in use" must not hide another reason for an exit.
   */
  private synchronized boolean relaunchOnNewPort(Process exited) {
    if (process != exited || !settings.picksPort() || relaunches >= MAX_RELAUNCHES
        || !portInUse(logSince(logFile(), logOffset), port)) {
      return false;
    }
    relaunches++;
    int taken = port;
    int next = pickPort();
    log.warn("event=registry.relaunch port={} reason=port-in-use takenPort={} exitedPid={} attempt={}",
        next, taken, exited.pid(), relaunches);
    startChild(next);
    return true;
  }

  /**
   * Quarkus says "Port N seems to be in use by another process" and exits with code 1 (measured with
   * Apicurio 2.6.13); a bare BindException is the same cause if another code path reports it.
   */
  static boolean portInUse(String log, int port) {
    return log.contains("Port " + port + " seems to be in use")
        || log.contains("java.net.BindException: Address already in use");
  }

  /**
   * The HTTP port of the current child: {@link Settings#port()}, or the one the registry picked
   * (the latest, after a relaunch).
   */
  public synchronized int port() {
    return port;
  }

  private synchronized int relaunchCount() {
    return relaunches;
  }

  /** The Confluent-compatible API base, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + port() + CCOMPAT_PATH;
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

  /** What was appended to {@code file} after its first {@code offset} bytes. */
  private static String logSince(Path file, long offset) {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      if (size <= offset) {
        return "";
      }
      // The start-up of one child is a few hundred lines; its reason to exit comes last.
      long from = Math.max(offset, size - (4 << 20));
      ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
      channel.position(from);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read until full or at the end
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("event=registry.log.read.failed log={} error={}", file, e.toString());
      return "";
    }
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
