package io.pumptwin.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A service's configuration as a container receives it: environment variables, each with the
 * default that suits a single-node deployment (README.md, "Container images", lists them).
 */
public record ContainerEnv(Map<String, String> vars) {

  public ContainerEnv {
    vars = Map.copyOf(Objects.requireNonNull(vars, "vars"));
  }

  public static ContainerEnv fromSystem() {
    return new ContainerEnv(System.getenv());
  }

  public String string(String name, String fallback) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /** Null when unset or blank: for settings whose absence means "not configured". */
  public String optional(String name) {
    return string(name, null);
  }

  public int integer(String name, int fallback) {
    String v = optional(name);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + v + "'", e);
    }
  }

  public boolean flag(String name, boolean fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
    };
  }

  public Duration duration(String name, Duration fallback) {
    String v = optional(name);
    return v == null ? fallback : Duration.parse(v);
  }

  public Path path(String name, String fallback) {
    return Path.of(string(name, fallback));
  }

  /** Kafka bootstrap servers; every service needs them. */
  public String bootstrapServers() {
    return string("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
  }

  /** The registry's Confluent-compatible API base. */
  public String registryUrl() {
    return string("SCHEMA_REGISTRY_URL", "http://schema-registry:8081/apis/ccompat/v7");
  }
}
