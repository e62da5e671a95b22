package io.pumptwin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka client security settings: only security settings are taken (a stray bootstrap address in
 * the security file is an operator's mistake, refused by name), they reach every client, and their
 * values (passwords, JAAS configuration) never show in a log line.
 */
class KafkaSecurityTest {
  static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
      + "username=\"gateway\" password=\"s3cret-gw\";";

  @TempDir
  Path dir;

  @Test
  void loadsTheSecuritySettingsOfAKafkaCommandConfigFile() throws Exception {
    Path file = dir.resolve("kafka-security.properties");
    Files.writeString(file, """
        # as for kafka-topics.sh --command-config
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=%s
        ssl.truststore.location=/etc/pumptwin/truststore.p12
        ssl.truststore.password=trust-pw
        """.formatted(JAAS));

    KafkaSecurity security = KafkaSecurity.load(file);

    assertThat(security.settings()).containsOnly(
        Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
        Map.entry("sasl.jaas.config", JAAS),
        Map.entry("ssl.truststore.location", "/etc/pumptwin/truststore.p12"),
        Map.entry("ssl.truststore.password", "trust-pw"));
  }

  @Test
  void refusesAFileWithAnythingButSecuritySettings() throws Exception {
    Path file = dir.resolve("mixed.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nbootstrap.servers=kafka:9093\n");

    assertThatThrownBy(() -> KafkaSecurity.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a Kafka client security setting: bootstrap.servers"
            + " (expected security.protocol, sasl.* or ssl.*)");
  }

  @Test
  void aFileThatCannotBeReadIsReportedByName() {
    Path missing = dir.resolve("absent.properties");

    assertThatThrownBy(() -> KafkaSecurity.load(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot read Kafka client security settings " + missing);
  }

  @Test
  void findsTheSecuritySettingsAmongAServicesOtherClientSettings() {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("commit.interval.ms", 1000);
    overrides.put("bootstrap.servers", "kafka:9093");
    overrides.put("SECURITY.PROTOCOL", "SSL");
    overrides.put("ssl.endpoint.identification.algorithm", "");
    overrides.put("sasl.login.retry.backoff.ms", 250L);
    overrides.put("sasl.kerberos.service.name", null);

    KafkaSecurity security = KafkaSecurity.within(overrides);

    assertThat(security.settings()).containsOnly(
        Map.entry("SECURITY.PROTOCOL", "SSL"),
        Map.entry("ssl.endpoint.identification.algorithm", ""),
        Map.entry("sasl.login.retry.backoff.ms", "250"));
  }

  @Test
  void appliesItsSettingsToAClientConfiguration() {
    KafkaSecurity security = new KafkaSecurity(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
    Map<String, Object> producer = new LinkedHashMap<>();
    producer.put("bootstrap.servers", "kafka:9093");
    producer.put("security.protocol", "PLAINTEXT");

    Map<String, Object> applied = security.applyTo(producer);

    assertThat(applied).isSameAs(producer).containsOnly(
        Map.entry("bootstrap.servers", "kafka:9093"),
        Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("sasl.mechanism", "PLAIN"));
  }

  @Test
  void noneIsPlaintextAndAddsNothing() {
    Map<String, Object> consumer = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9092"));

    assertThat(KafkaSecurity.none().settings()).isEmpty();
    assertThat(KafkaSecurity.none().applyTo(consumer)).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void namesItsKeysButNeverTheirValues() {
    KafkaSecurity security = new KafkaSecurity(Map.of(
        "security.protocol", "SASL_SSL", "sasl.jaas.config", JAAS, "ssl.truststore.password", "trust-pw"));

    assertThat(security.toString())
        .startsWith("KafkaSecurity[").endsWith("]")
        .contains("sasl.jaas.config", "security.protocol", "ssl.truststore.password")
        .doesNotContain("s3cret-gw", "trust-pw", "SASL_SSL");
  }

  @Test
  void tellsSecuritySettingsFromOtherClientSettings() {
    assertThat(KafkaSecurity.isSecuritySetting("security.protocol")).isTrue();
    assertThat(KafkaSecurity.isSecuritySetting("Security.Protocol")).isTrue();
    assertThat(KafkaSecurity.isSecuritySetting("sasl.mechanism")).isTrue();
    assertThat(KafkaSecurity.isSecuritySetting("ssl.keystore.location")).isTrue();
    assertThat(KafkaSecurity.isSecuritySetting("bootstrap.servers")).isFalse();
    assertThat(KafkaSecurity.isSecuritySetting("security.providers")).isFalse();
    assertThat(KafkaSecurity.isSecuritySetting("sasl")).isFalse();
  }

  @Test
  void itsSettingsCannotBeChangedAfterwards() {
    Map<String, String> given = new HashMap<>(Map.of("security.protocol", "SSL"));
    KafkaSecurity security = new KafkaSecurity(given);
    given.put("security.protocol", "PLAINTEXT");

    assertThat(security.settings()).containsEntry("security.protocol", "SSL");
    assertThatThrownBy(() -> security.settings().put("ssl.protocol", "TLSv1.3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
