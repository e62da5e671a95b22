package io.pumptwin.launcher;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.fleet.Pacer;
import io.pumptwin.simulator.output.DeviceCredential;
import io.pumptwin.simulator.output.GatewaySink;
import io.pumptwin.simulator.output.KafkaSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated fleet that talks to the gateway like real devices: each simulated pump gets a home
 * communicator provisioned in the gateway's device file (own secret, own pump), and the fleet runs
 * at an accelerated pace in the background; ground truth goes straight to sim.ground-truth.v1.
 */
final class SimulatorLocalService implements LocalService {
  private static final Logger log = LoggerFactory.getLogger(SimulatorLocalService.class);

  /** What to simulate and how fast. */
  record Settings(String scenario, Integer pumps, long seed, double simSecondsPerSecond) {}

  private final Settings settings;
  private final Path deviceFile;
  private IntSupplier gatewayPort;
  private Thread runner;
  private volatile boolean stopping;
  private Scenario scenario;
  private Map<String, DeviceCredential> credentials;

  SimulatorLocalService(Settings settings, Path deviceFile, IntSupplier gatewayPort) {
    this.settings = settings;
    this.deviceFile = deviceFile;
    this.gatewayPort = gatewayPort;
  }

  @Override
  public String name() {
    return "fleet-simulator";
  }

  /** The gateway's port is known only once it started; the simulator starts after it. */
  SimulatorLocalService withGatewayPort(IntSupplier port) {
    this.gatewayPort = port;
    return this;
  }

  /** The clinics of the simulated fleet, for the local staff accounts. */
  List<String> clinics() {
    List<String> clinics = new ArrayList<>();
    for (int i = 1; i <= scenario().clinics(); i++) {
      clinics.add(String.format("clinic-%03d", i));
    }
    return clinics;
  }

  /**
   * Provisions the simulated devices. Runs before the gateway starts, so the gateway's first read
   * of the device file already knows every simulated communicator (a device provisioned later is
   * seen only at the gateway's next periodic re-read, and its first requests would be refused).
   */
  void provision() throws IOException {
    credentials = provision(scenario());
  }

  private Map<String, DeviceCredential> provision(Scenario scenario) throws IOException {
    SecureRandom random = new SecureRandom();
    Map<String, DeviceCredential> credentials = new HashMap<>();
    List<Device> devices = new ArrayList<>();
    for (String serial : new FleetSimulation(scenario, settings.seed()).pumpSerials()) {
      DeviceCredential c = new DeviceCredential("hc-" + serial, ProvisionDevice.newSecret(random));
      credentials.put(serial, c);
      devices.add(new Device(c.deviceId(), c.secret(), Set.of(serial)));
    }
    Files.createDirectories(deviceFile.getParent());
    DeviceFile.write(deviceFile, devices);
    return credentials;
  }

  Scenario scenario() {
    if (scenario == null) {
      scenario = new ScenarioLoader().load(settings.scenario()).withOverrides(settings.pumps(), null).validated();
    }
    return scenario;
  }

  @Override
  public void start(LocalStack stack) throws Exception {
    if (credentials == null) {
      throw new IllegalStateException("provision() must run before the gateway starts");
    }
    FleetSimulation simulation = new FleetSimulation(scenario(), settings.seed());
    Pacer pacer = new Pacer.Accelerated(settings.simSecondsPerSecond());
    runner = new Thread(() -> run(stack, simulation, pacer, credentials), "fleet-simulator");
    runner.setDaemon(true);
    runner.start();
  }

  private void run(LocalStack stack, FleetSimulation simulation, Pacer pacer,
      Map<String, DeviceCredential> credentials) {
    // A restart resumes where the last run stopped: the simulation is deterministic, so stepping it
    // silently to the recorded simulated time rebuilds exactly the fleet it was, without sending the
    // same history twice.
    long resumeAt = readProgress();
    while (!simulation.finished() && simulation.nowMillis() < resumeAt) {
      simulation.step(DISCARD);
    }
    long resumedFrom = simulation.nowMillis() - simulation.startMillis();
    long started = System.nanoTime();
    long lastProgress = started;
    long lastSaved = started;
    try (var truth = new KafkaSink(stack.topicRegistry(), Map.of("bootstrap.servers", stack.bootstrapServers()), true);
        var sink = new GatewaySink("http://127.0.0.1:" + gatewayPort.getAsInt(), credentials::get, truth)) {
      log.info("event=simulation.started scenario={} pumps={} days={} speed={}", scenario().name(),
          scenario().fleetSize(), scenario().durationDays(), settings.simSecondsPerSecond());
      while (!simulation.finished() && !stopping) {
        simulation.step(sink);
        long simulatedMs = simulation.nowMillis() - simulation.startMillis();
        long ahead = started + pacer.wallMillisFor(simulatedMs - resumedFrom) * 1_000_000L - System.nanoTime();
        if (ahead > 0) {
          sink.flush();
          Thread.sleep(ahead / 1_000_000L); // pacing: the simulator's only wall-clock dependency
        }
        if (System.nanoTime() - lastSaved > 1_000_000_000L) {
          sink.flush();
          saveProgress(simulation.nowMillis());
          lastSaved = System.nanoTime();
        }
        if (System.nanoTime() - lastProgress > 30_000_000_000L) {
          lastProgress = System.nanoTime();
          log.info("event=simulation.progress simulated_days={} events_accepted={}",
              String.format("%.1f", simulatedMs / 86_400_000.0), sink.eventsAccepted());
        }
      }
      sink.flush();
      saveProgress(simulation.nowMillis());
      log.info("event=simulation.finished {}", simulation.summary().toLogLine());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stopping) {
        log.error("event=simulation.failed error={}", e.toString());
      }
    }
  }

  private static final io.pumptwin.simulator.output.SimulationSink DISCARD =
      new io.pumptwin.simulator.output.SimulationSink() {
        @Override
        public void telemetry(io.pumptwin.events.TelemetryEnvelope event) {}

        @Override
        public void groundTruth(io.pumptwin.events.GroundTruth truth) {}
      };

  private Path progressFile() {
    return deviceFile.resolveSibling("simulator-progress-" + scenario().name() + "-" + settings.seed());
  }

  private long readProgress() {
    try {
      return Files.exists(progressFile()) ? Long.parseLong(Files.readString(progressFile()).trim()) : Long.MIN_VALUE;
    } catch (IOException | NumberFormatException e) {
      log.warn("event=simulation.progress_unreadable file={} error={}", progressFile(), e.toString());
      return Long.MIN_VALUE;
    }
  }

  private void saveProgress(long simulatedMillis) {
    try {
      Path tmp = progressFile().resolveSibling(progressFile().getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(simulatedMillis));
      Files.move(tmp, progressFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("event=simulation.progress_not_saved error={}", e.toString());
    }
  }

  @Override
  public List<String> endpoints() {
    return List.of(String.format("scenario %s, %d pumps, %.0f simulated seconds per second",
        scenario().name(), scenario().fleetSize(), settings.simSecondsPerSecond()));
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    if (runner != null) {
      runner.join(10_000);
    }
  }
}
