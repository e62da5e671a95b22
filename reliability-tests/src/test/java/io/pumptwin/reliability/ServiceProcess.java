package io.pumptwin.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PumpTwin service in a JVM of its own, started from this JVM's class path, so that a test can
 * kill it the way a machine dies: SIGKILL, no commit, no transaction abort, no leave-group, no state
 * checkpoint. The child also ends when its standard input closes, so it never outlives the test.
 */
final class ServiceProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Where a test keeps its children's logs: in the module's target, so a failed CI run can show them. */
  static Path logDir(String test) {
    return Path.of("target", "reliability", "logs", test).toAbsolutePath();
  }

  static ServiceProcess start(String name, Class<?> main, Path log, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    return new ServiceProcess(name, p, log);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, once the child has ended within {@code timeout}; otherwise an AssertionError. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " pid=" + pid() + " still running after " + timeout + "\n" + tail(60));
    }
    return process.exitValue();
  }

  /** SIGKILL, then wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " pid=" + pid() + " did not die on SIGKILL");
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** Polite stop: closing standard input lets the child close its service and exit. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the pipe is already gone: the child is on its way out
    }
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
