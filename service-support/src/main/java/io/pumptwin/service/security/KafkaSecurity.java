package io.pumptwin.service.security;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a service's Kafka clients authenticate and encrypt: {@code security.protocol}
 * (e.g. {@code SASL_SSL}), {@code sasl.*} (mechanism, JAAS config) and {@code ssl.*} (trust store)
 * client settings, applied to every Kafka client of the service. Read from a Java properties file
 * in the format of Kafka's own {@code --command-config}, so passwords stay out of command lines.
 *
 * <p>Never logged: {@link #toString()} names the keys only. Kafka's own client start-up log hides
 * values of password type ({@code sasl.jaas.config}, {@code ssl.*.password}).
 *
 * <p>Services never import each other (DESIGN.md), but the telemetry gateway, the twin engine,
 * alerting and the dashboard all take these settings the same way; this module holds that one way.
 */
public record KafkaSecurity(Map<String, String> settings) {

  public KafkaSecurity {
    Map<String, String> sorted = new TreeMap<>();
    settings.forEach((key, value) -> {
      if (!isSecuritySetting(key)) {
        throw new IllegalArgumentException("not a Kafka client security setting: " + key
            + " (expected security.protocol, sasl.* or ssl.*)");
      }
      sorted.put(key, value);
    });
    settings = Map.copyOf(sorted);
  }

  /** PLAINTEXT: the embedded default. */
  public static KafkaSecurity none() {
    return new KafkaSecurity(Map.of());
  }

  public static boolean isSecuritySetting(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.equals("security.protocol") || k.startsWith("sasl.") || k.startsWith("ssl.");
  }

  /** The security settings among a service's other client settings (overrides). */
  public static KafkaSecurity within(Map<String, ?> clientSettings) {
    Map<String, String> found = new TreeMap<>();
    clientSettings.forEach((key, value) -> {
      if (isSecuritySetting(key) && value != null) {
        found.put(key, value.toString());
      }
    });
    return new KafkaSecurity(found);
  }

  /** Reads a properties file; any key other than security settings is refused. */
  public static KafkaSecurity load(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Kafka client security settings " + file, e);
    }
    Map<String, String> settings = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
    return new KafkaSecurity(settings);
  }

  /** Adds these settings to a client's configuration. */
  public <M extends Map<String, Object>> M applyTo(M clientConfig) {
    clientConfig.putAll(settings);
    return clientConfig;
  }

  @Override
  public String toString() {
    return "KafkaSecurity" + settings.keySet();
  }
}
