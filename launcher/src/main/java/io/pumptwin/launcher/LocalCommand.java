package io.pumptwin.launcher;

import io.pumptwin.embedded.ApicurioDistribution;
import io.pumptwin.embedded.EmbeddedStartupException;
import io.pumptwin.embedded.LocalStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pumptwin local}: the whole stack on this machine, on the embedded default (a real
 * single-node Kafka and a real schema registry, data kept under {@code --data-dir}).
 */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run PumpTwin locally on an embedded Kafka broker and schema registry.")
public final class LocalCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(LocalCommand.class);

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka client port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int controllerPort;

  @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int registryPort;

  @Option(names = "--data-dir", defaultValue = "./.pumptwin/data", description = "Broker log and registry database, kept across runs (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--registry-archive", description = "Apicurio Registry distribution tar.gz (default: the one in ~/.m2, or -Dpumptwin.apicurio.dist)")
  Path registryArchive;

  @Option(names = "--gateway-port", defaultValue = "8080", description = "Telemetry gateway port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int gatewayPort;

  @Option(names = "--alerting-port", defaultValue = "8082", description = "Alert API and live stream port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int alertingPort;

  @Option(names = "--engine-port", defaultValue = "8083", description = "Twin query API port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int enginePort;

  @Option(names = "--dashboard-port", defaultValue = "8084", description = "Web dashboard port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int dashboardPort;

  @Option(names = "--sim-scenario", defaultValue = "local-demo", description = "Simulated fleet scenario (default: ${DEFAULT-VALUE}); see fleet-simulator/src/main/resources/scenarios")
  String simScenario;

  @Option(names = "--sim-pumps", description = "Simulated fleet size (default: the scenario's)")
  Integer simPumps;

  @Option(names = "--sim-speed", defaultValue = "3600", description = "Simulated seconds per wall second (default: ${DEFAULT-VALUE}: an hour a second)")
  double simSpeed;

  @Option(names = "--sim-seed", defaultValue = "1", description = "Simulator seed (default: ${DEFAULT-VALUE})")
  long simSeed;

  @Option(names = "--no-sim", description = "Do not run the simulated fleet")
  boolean noSim;

  @Override
  public Integer call() throws Exception {
    LocalSettings settings = settings();
    long t0 = System.nanoTime();
    LocalRuntime runtime;
    try {
      runtime = LocalRuntime.start(settings, services(settings));
    } catch (EmbeddedStartupException e) {
      System.err.println("pumptwin local: could not start: " + e.getMessage());
      return 1;
    }
    Duration startup = Duration.ofNanos(System.nanoTime() - t0);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C (SIGINT) and SIGTERM run shutdown hooks: stop services, then the registry child (by
    // PID) and the broker, so the next start finds a cleanly closed log.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("event=local.stopping");
      runtime.close();
      stopped.countDown();
    }, "pumptwin-local-shutdown"));
    printBanner(System.out, runtime, startup);
    if (staff != null) {
      System.out.printf("  staff tokens      on-call (all clinics): %s   viewer: %s%n",
          staff.onCallToken(), staff.viewerToken());
      System.out.flush();
    }
    stopped.await();
    return 0;
  }

  LocalSettings settings() {
    return new LocalSettings(kafkaPort, controllerPort, registryPort, dataDir,
        registryArchive != null ? registryArchive : ApicurioDistribution.defaultArchive(),
        ApicurioDistribution.defaultCacheDir());
  }

  /**
   * The services {@code local} runs after the stack, in start order. Each later issue adds its
   * service here (telemetry gateway, twin engine, alerting, fleet simulator).
   */
  List<LocalService> services(LocalSettings settings) throws java.io.IOException {
    Path configDir = settings.stack().dataDir().resolve("config");
    Path deviceFile = configDir.resolve("devices.json");
    List<LocalService> services = new java.util.ArrayList<>();
    SimulatorLocalService simulator = null;
    if (!noSim) {
      simulator = new SimulatorLocalService(
          new SimulatorLocalService.Settings(simScenario, simPumps, simSeed, simSpeed), deviceFile, null);
    }
    if (simulator != null) {
      simulator.provision();
    } else if (!java.nio.file.Files.exists(deviceFile)) {
      java.nio.file.Files.createDirectories(configDir);
      io.pumptwin.gateway.device.DeviceFile.write(deviceFile, List.of());
    }
    GatewayLocalService gateway = new GatewayLocalService(gatewayPort, deviceFile);
    services.add(gateway);
    List<String> clinics = simulator != null ? simulator.clinics() : List.of("clinic-001");
    staff = LocalStaff.ensure(configDir, clinics);
    services.add(new TwinEngineLocalService(enginePort, settings.stack().dataDir(), staff.tokensFile()));
    AlertingLocalService alerting = new AlertingLocalService(alertingPort, settings.stack().dataDir(),
        staff.tokensFile());
    services.add(alerting);
    services.add(new DashboardLocalService(dashboardPort, staff.tokensFile(), alerting::meters));
    if (simulator != null) {
      services.add(simulator.withGatewayPort(gateway::port));
    }
    return services;
  }

  private LocalStaff staff;

  static void printBanner(PrintStream out, LocalRuntime runtime, Duration startup) {
    LocalStack stack = runtime.stack();
    out.printf("PumpTwin local stack ready in %.1f s%n", startup.toMillis() / 1000.0);
    out.printf("  kafka bootstrap   %s  (cluster id %s)%n", stack.bootstrapServers(), stack.clusterId());
    out.printf("  schema registry   %s  (Confluent-compatible API)%n", stack.registryUrl());
    out.printf("  data directory    %s%n", stack.settings().dataDir());
    out.printf("  registry log      %s%n", stack.registryLog());
    out.println("  topics");
    for (LocalStack.TopicStatus t : stack.topics()) {
      out.printf("    %-26s %2d partitions  %-40s schema id %s%s%n", t.name(), t.partitions(),
          describe(t.configs()), stack.schemaIds().get(t.name() + "-value"),
          t.created() ? "  (created)" : "");
    }
    for (LocalService service : runtime.services()) {
      out.printf("  %-17s %s%n", service.name(), String.join(", ", service.endpoints()));
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  private static String describe(Map<String, String> configs) {
    String policy = configs.getOrDefault("cleanup.policy", "delete");
    if (policy.equals("compact")) {
      return "compacted";
    }
    long retentionMs = Long.parseLong(configs.getOrDefault("retention.ms", "604800000"));
    return retentionMs < 0 ? "retained forever"
        : "retained " + TimeUnit.MILLISECONDS.toDays(retentionMs) + " days";
  }
}
