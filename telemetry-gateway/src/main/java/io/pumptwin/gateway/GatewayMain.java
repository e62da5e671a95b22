package io.pumptwin.gateway;

import io.pumptwin.gateway.ingest.IngestLimits;
import io.pumptwin.gateway.ingest.ProducerSettings;
import io.pumptwin.gateway.refusal.RefusalDeadLetterSettings;
import io.pumptwin.gateway.validation.ValidationRules;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.security.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the gateway on its own against an existing Kafka and registry (the launcher embeds it
 * instead). Every option also reads an environment variable, so a container needs no arguments.
 */
@Command(name = "telemetry-gateway", mixinStandardHelpOptions = true,
    description = "PumpTwin telemetry gateway: authenticated, validated ingestion into Kafka.")
public final class GatewayMain implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
  String bootstrap;

  @Option(names = "--registry-url",
      defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}")
  String registryUrl;

  @Option(names = "--devices", defaultValue = "${env:GATEWAY_DEVICE_FILE:-devices.json}")
  Path deviceFile;

  @Option(names = "--host", defaultValue = "${env:GATEWAY_HOST:-0.0.0.0}")
  String host;

  @Option(names = "--port", defaultValue = "${env:GATEWAY_PORT:-8080}")
  int port;

  @Option(names = "--auto-register-schemas", defaultValue = "${env:GATEWAY_AUTO_REGISTER:-true}")
  boolean autoRegister;

  @Option(names = "--max-body-bytes", defaultValue = "1048576")
  int maxBodyBytes;

  @Option(names = "--max-events", defaultValue = "500")
  int maxEvents;

  @Option(names = "--max-in-flight-events", defaultValue = "20000")
  int maxInFlightEvents;

  @Option(names = "--max-in-flight-bytes", defaultValue = "16777216")
  long maxInFlightBytes;

  @Option(names = "--min-dose", defaultValue = "20", description = "mcg/day (DOMAIN.md)")
  double minDose;

  @Option(names = "--max-dose", defaultValue = "2000", description = "mcg/day (DOMAIN.md)")
  double maxDose;

  @Option(names = "--max-future-skew", defaultValue = "PT5M")
  Duration maxFuture;

  @Option(names = "--max-event-age", defaultValue = "P400D")
  Duration maxAge;

  @Option(names = "--delivery-timeout", defaultValue = "PT10S")
  Duration deliveryTimeout;

  @Option(names = "--refusal-payload-bytes", defaultValue = "4096",
      description = "Bytes of a refused body (401, 413) kept in its dead letter")
  int refusalPayloadBytes;

  @Option(names = "--refusal-dead-letters-per-second", defaultValue = "20",
      description = "401/413 dead letters per remote address per second; beyond, counted in summaries")
  double refusalRate;

  @Option(names = "--refusal-dead-letters-burst", defaultValue = "100",
      description = "401/413 dead letters a remote address may cause at once")
  int refusalBurst;

  @Option(names = "--kafka-security", defaultValue = "${env:GATEWAY_KAFKA_SECURITY_FILE}",
      description = "Properties file of Kafka client security settings (security.protocol, sasl.*, ssl.*)")
  Path kafkaSecurityFile;

  @Option(names = "--tls-keystore", defaultValue = "${env:GATEWAY_TLS_KEYSTORE}",
      description = "PKCS12 key store: serve HTTPS only")
  Path tlsKeyStore;

  @Option(names = "--tls-keystore-password-file", defaultValue = "${env:GATEWAY_TLS_KEYSTORE_PASSWORD_FILE}",
      description = "File holding the key store password (kept off the command line)")
  Path tlsKeyStorePasswordFile;

  @Override
  public Integer call() throws Exception {
    ProducerSettings defaults = ProducerSettings.defaults();
    GatewayConfig config = GatewayConfig.defaults(bootstrap, registryUrl, deviceFile)
        .withListener(host, port)
        .withSchemaAutoRegistration(autoRegister)
        .withLimits(new IngestLimits(maxBodyBytes, maxEvents, maxInFlightEvents, maxInFlightBytes,
            IngestLimits.defaults().retryAfter()))
        .withValidation(ValidationRules.defaults().withDoseRange(minDose, maxDose)
            .withTimeWindow(maxFuture, maxAge))
        .withProducer(new ProducerSettings(deliveryTimeout, defaults.requestTimeout(),
            defaults.maxBlock(), defaults.linger(), Map.of()))
        .withRefusalDeadLetters(RefusalDeadLetterSettings.defaults()
            .withPayloadBytes(refusalPayloadBytes).withPerAddressRate(refusalRate, refusalBurst));
    if (kafkaSecurityFile != null) {
      config = config.withKafkaSecurity(KafkaSecurity.load(kafkaSecurityFile));
    }
    if (tlsKeyStore != null) {
      if (tlsKeyStorePasswordFile == null) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--tls-keystore needs --tls-keystore-password-file");
      }
      config = config.withTls(TlsSettings.pkcs12(tlsKeyStore,
          java.nio.file.Files.readString(tlsKeyStorePasswordFile).strip()));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    TelemetryGateway gateway = new TelemetryGateway(config).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      stopped.countDown();
    }, "gateway-shutdown"));
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayMain()).execute(args));
  }
}
