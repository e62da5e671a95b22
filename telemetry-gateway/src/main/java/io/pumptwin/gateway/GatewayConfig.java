package io.pumptwin.gateway;

import io.pumptwin.gateway.device.DeviceAuthSettings;
import io.pumptwin.gateway.ingest.IngestLimits;
import io.pumptwin.gateway.ingest.ProducerSettings;
import io.pumptwin.gateway.refusal.RefusalDeadLetterSettings;
import io.pumptwin.gateway.sequence.SequenceSettings;
import io.pumptwin.gateway.validation.ValidationRules;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.security.TlsSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the gateway is configured with, built once at start-up and passed in.
 *
 * @param bindHost interface to listen on ({@code 0.0.0.0} for all)
 * @param port HTTP port; 0 picks a free one (tests)
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl Confluent-compatible registry base URL, e.g.
 *     {@code http://127.0.0.1:8081/apis/ccompat/v7}
 * @param autoRegisterSchemas register the writer schemas on first use (the embedded default); off
 *     in production, where deployment registers them
 * @param deviceFile the provisioned devices (see {@link io.pumptwin.gateway.device.DeviceFile})
 * @param httpThreads Jetty worker threads; requests wait for Kafka asynchronously, so few suffice
 * @param tls HTTPS for every endpoint; null serves plain HTTP
 * @param refusals how 401 and 413 refusals reach the dead-letter topic (payload kept, rate per
 *     remote address, summaries)
 */
public record GatewayConfig(
    String bindHost,
    int port,
    String bootstrapServers,
    String registryUrl,
    boolean autoRegisterSchemas,
    Path deviceFile,
    IngestLimits limits,
    ValidationRules validation,
    DeviceAuthSettings auth,
    SequenceSettings sequences,
    ProducerSettings producer,
    int httpThreads,
    TlsSettings tls,
    RefusalDeadLetterSettings refusals) {

  public static final int DEFAULT_PORT = 8080;

  public GatewayConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(deviceFile, "deviceFile");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(sequences, "sequences");
    Objects.requireNonNull(producer, "producer");
    Objects.requireNonNull(refusals, "refusals");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (httpThreads < 8) {
      throw new IllegalArgumentException("httpThreads must be >= 8 (Jetty needs some for itself)");
    }
  }

  /** Defaults for everything but where Kafka, the registry and the device file are. */
  public static GatewayConfig defaults(String bootstrapServers, String registryUrl, Path deviceFile) {
    return new GatewayConfig("0.0.0.0", DEFAULT_PORT, bootstrapServers, registryUrl, true,
        deviceFile, IngestLimits.defaults(), ValidationRules.defaults(),
        DeviceAuthSettings.defaults(), SequenceSettings.defaults(), ProducerSettings.defaults(), 32, null,
        RefusalDeadLetterSettings.defaults());
  }

  public GatewayConfig withListener(String host, int newPort) {
    return new GatewayConfig(host, newPort, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, limits, validation, auth, sequences, producer, httpThreads, tls, refusals);
  }

  public GatewayConfig withLimits(IngestLimits newLimits) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, newLimits, validation, auth, sequences, producer, httpThreads, tls, refusals);
  }

  public GatewayConfig withValidation(ValidationRules rules) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, limits, rules, auth, sequences, producer, httpThreads, tls, refusals);
  }

  public GatewayConfig withProducer(ProducerSettings settings) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, limits, validation, auth, sequences, settings, httpThreads, tls, refusals);
  }

  public GatewayConfig withAuth(DeviceAuthSettings settings) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, limits, validation, settings, sequences, producer, httpThreads, tls, refusals);
  }

  public GatewayConfig withSchemaAutoRegistration(boolean autoRegister) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegister,
        deviceFile, limits, validation, auth, sequences, producer, httpThreads, tls, refusals);
  }

  /** Serves every endpoint over HTTPS only; null: plain HTTP. */
  public GatewayConfig withTls(TlsSettings settings) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, limits, validation, auth, sequences, producer, httpThreads, settings, refusals);
  }

  /** How 401 and 413 refusals are dead-lettered: payload bytes kept, rate per address, summaries. */
  public GatewayConfig withRefusalDeadLetters(RefusalDeadLetterSettings settings) {
    return new GatewayConfig(bindHost, port, bootstrapServers, registryUrl, autoRegisterSchemas,
        deviceFile, limits, validation, auth, sequences, producer, httpThreads, tls, settings);
  }

  /**
   * Kafka client security (e.g. SASL_SSL) for the producer (kept with its overrides) and the
   * readiness check's admin client.
   */
  public GatewayConfig withKafkaSecurity(KafkaSecurity security) {
    Map<String, String> overrides = new HashMap<>(producer.overrides());
    overrides.putAll(security.settings());
    return withProducer(new ProducerSettings(producer.deliveryTimeout(), producer.requestTimeout(),
        producer.maxBlock(), producer.linger(), overrides));
  }

  public KafkaSecurity kafkaSecurity() {
    return KafkaSecurity.within(producer.overrides());
  }
}
