package io.pumptwin.bench;

import io.pumptwin.bench.StreamsThroughputBenchmark.Contender;
import io.pumptwin.bench.StreamsThroughputBenchmark.Measured;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A contender of the throughput benchmark in a JVM of its own, as JMH forks one per benchmark, and as deployed, where
 * an application never shares its JVM with the broker or with other applications. In one JVM, every contender's
 * types reach the same call sites of Kafka Streams' store, serde and producer layers: after a dozen store and
 * topology classes those sites are megamorphic in the code the JIT compiles for all of them, the collector collects
 * the broker's garbage with the application's, and the heap after a run holds the broker's too.
 *
 * <p>The benchmark's process keeps the broker and drives each contender's JVM over its standard streams: a line
 * {@code run <appId> <stateDir> <input> <records>} in; a line {@code @@measured <the Measured, serialized, base64>}
 * (or {@code @@failed <reason>}) out. The JVM stays up between rounds, as a deployed service does, so the warm-up
 * rounds warm it; end of input ends it. Its log goes to the benchmark's standard error.
 */
final class ContenderJvm implements AutoCloseable {
  private static final String MEASURED = "@@measured ";
  private static final String FAILED = "@@failed ";
  /** Options added to every contender's JVM, separated by spaces: e.g. a profiler's {@code -agentpath:...}. */
  static final String JVM_OPTIONS_ENV = "BENCH_CONTENDER_JVM_OPTS";

  private final int index;
  private final Process process;
  private final BufferedWriter commands;
  private final BufferedReader replies;

  private ContenderJvm(int index, Process process) {
    this.index = index;
    this.process = process;
    this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Starts the JVM of contender {@code index} of {@code benchArgs}' list (StreamsThroughputBenchmark.contenders), with
   * this JVM's options (heap, system properties; not its agents) and those of {@link #JVM_OPTIONS_ENV}.
   */
  static ContenderJvm start(int index, String[] benchArgs, String bootstrap, String registryUrl) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-agentpath") && !option.startsWith("-agentlib") && !option.startsWith("-javaagent")) {
        command.add(option);
      }
    }
    // Its heap committed and touched once, at start: a JVM that gives back and takes again its heap between runs
    // (G1 does after the full collection that measures the heap after a run) pays a page fault per 4 KB taken, in
    // the kernel: 40-60% of the machine's CPU went to the system in the first trial (2026-12-05 12:44), where a
    // service that has run for a while holds its heap. 1 GB each: a full run has a dozen contenders.
    command.addAll(List.of("-Xms1g", "-XX:+AlwaysPreTouch"));
    String extra = System.getenv(JVM_OPTIONS_ENV);
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ContenderJvm.class.getName()));
    command.addAll(List.of(benchArgs));
    command.addAll(List.of("--contender", Integer.toString(index), "--bootstrap", bootstrap, "--registry",
        registryUrl));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new ContenderJvm(index, process);
  }

  /**
   * One run in the contender's JVM; its CPU figure is that JVM's plus this one's over the run (the broker's: nothing
   * else runs here meanwhile).
   */
  Measured run(String appId, String stateDir, String input, long records) throws IOException {
    long cpuBefore = StreamsRun.processCpuNanos();
    commands.write(String.join(" ", "run", appId, stateDir, input, Long.toString(records)));
    commands.newLine();
    commands.flush();
    for (String line = replies.readLine(); line != null; line = replies.readLine()) {
      if (line.startsWith(MEASURED)) {
        Measured m = decode(line.substring(MEASURED.length()));
        double brokerSeconds = (StreamsRun.processCpuNanos() - cpuBefore) / 1e9;
        return new Measured(m.result().withCpuOf(brokerSeconds), m.stages());
      }
      if (line.startsWith(FAILED)) {
        throw new IllegalStateException("contender " + index + " failed: " + line.substring(FAILED.length()));
      }
      System.err.println(line); // anything else it printed
    }
    throw new IllegalStateException("contender " + index + "'s JVM ended during a run" + exitStatus());
  }

  private String exitStatus() {
    try {
      return process.waitFor(10, TimeUnit.SECONDS) ? " (exit status " + process.exitValue() + ")" : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Ends the contender's input, and so its JVM; forcibly when it has not ended within a minute. */
  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static String encode(Measured m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static Measured decode(String line) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(line)))) {
      return (Measured) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The contender's side: runs what the benchmark's process asks, until its input ends. */
  public static void main(String[] args) throws IOException {
    Map<String, String> opts = BenchStack.options(args);
    Contender contender = StreamsThroughputBenchmark.contenders(opts).get(Integer.parseInt(opts.get("--contender")));
    TopicRegistry registry = new TopicRegistry(new HttpSchemaRegistryClient(RegistrySettings.of(opts.get("--registry"))),
        SerdeSettings.autoRegistering());
    PrintStream replies = System.out;
    System.setOut(System.err); // standard output carries the replies alone
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      String[] w = line.split(" ");
      try {
        Measured m = StreamsThroughputBenchmark.runHere(contender, w[1], opts.get("--bootstrap"), w[2], registry, w[3],
            Long.parseLong(w[4]));
        replies.println(MEASURED + encode(m));
      } catch (Exception e) {
        e.printStackTrace();
        replies.println(FAILED + String.valueOf(e).replace('\n', ' '));
      }
      replies.flush();
    }
  }
}
