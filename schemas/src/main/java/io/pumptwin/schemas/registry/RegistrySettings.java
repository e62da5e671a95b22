package io.pumptwin.schemas.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Confluent-API registry.
 *
 * @param baseUrl the Confluent-compatible base, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}
 * @param credentials none, basic auth or a bearer token
 * @param maxAttempts attempts per request when the registry is unreachable or answers 5xx
 * @param initialBackoff first wait between attempts; doubles each time
 * @param requestTimeout per-request timeout
 */
public record RegistrySettings(
    URI baseUrl, Credentials credentials, int maxAttempts, Duration initialBackoff,
    Duration requestTimeout) {

  public RegistrySettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(credentials, "credentials");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  public static RegistrySettings of(String baseUrl) {
    String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new RegistrySettings(URI.create(trimmed), new Credentials.None(), 4,
        Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  public RegistrySettings withCredentials(Credentials c) {
    return new RegistrySettings(baseUrl, c, maxAttempts, initialBackoff, requestTimeout);
  }

  public RegistrySettings withRetries(int attempts, Duration backoff) {
    return new RegistrySettings(baseUrl, credentials, attempts, backoff, requestTimeout);
  }

  /** Credentials for the registry; never logged. */
  public sealed interface Credentials {
    Optional<String> authorizationHeader();

    record None() implements Credentials {
      @Override
      public Optional<String> authorizationHeader() {
        return Optional.empty();
      }
    }

    record Basic(String user, String password) implements Credentials {
      @Override
      public Optional<String> authorizationHeader() {
        String token = Base64.getEncoder().encodeToString(
            (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Optional.of("Basic " + token);
      }

      @Override
      public String toString() {
        return "Basic[user=" + user + ", password=***]";
      }
    }

    record Bearer(String token) implements Credentials {
      @Override
      public Optional<String> authorizationHeader() {
        return Optional.of("Bearer " + token);
      }

      @Override
      public String toString() {
        return "Bearer[***]";
      }
    }
  }
}
