package io.pumptwin.deploy;

import io.pumptwin.simulator.SimulatorCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the {@code pumptwin/fleet-simulator} image: the simulator's own command writing
 * to Kafka, its options from the environment ({@code SIM_SCENARIO}, {@code SIM_PUMPS},
 * {@code SIM_DAYS}, {@code SIM_TIME_MODE}, {@code SIM_SEED}); {@code SIM_METRICS_PORT} (8085 in the image)
 * serves {@code /metrics} and {@code /health} on all interfaces, unset or blank: none. Arguments given to the
 * container replace all of that and go to {@code simulate} as they are.
 */
public final class SimulatorContainer {
  private SimulatorContainer() {}

  static List<String> arguments(ContainerEnv env) {
    List<String> args = new ArrayList<>(List.of(
        "--scenario", env.string("SIM_SCENARIO", "local-demo"),
        "--seed", env.string("SIM_SEED", "1"),
        "--time-mode", env.string("SIM_TIME_MODE", "accelerated:3600"),
        "--output", "kafka:" + env.bootstrapServers(),
        "--registry", env.registryUrl()));
    String pumps = env.optional("SIM_PUMPS");
    if (pumps != null) {
      args.addAll(List.of("--pumps", pumps));
    }
    String days = env.optional("SIM_DAYS");
    if (days != null) {
      args.addAll(List.of("--days", days));
    }
    String metricsPort = env.optional("SIM_METRICS_PORT");
    if (metricsPort != null) {
      // All interfaces: Prometheus scrapes from another container, the health check from this one.
      args.addAll(List.of("--metrics-port", String.valueOf(env.integer("SIM_METRICS_PORT", 0)),
          "--metrics-host", "0.0.0.0"));
    }
    return args;
  }

  public static void main(String[] args) throws Exception {
    ContainerEnv env = ContainerEnv.fromSystem();
    TopicProvisioning.ifEnabled(env);
    SimulatorCommand.main(args.length > 0 ? args : arguments(env).toArray(String[]::new));
  }
}
