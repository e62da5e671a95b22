package io.pumptwin.security;

import io.pumptwin.service.security.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft Kafka in this JVM whose only client listener is SASL_SSL: TLS with a
 * self-signed certificate, and SASL/PLAIN users checked by the broker. A client that does not
 * authenticate, or authenticates with a wrong password, gets nothing. (The KRaft controller
 * listener stays PLAINTEXT on loopback: only the broker itself talks to it.)
 */
final class SaslSslBroker implements AutoCloseable {
  static final String MECHANISM = "PLAIN";

  private final int port;
  private final SelfSignedCertificate certificate;
  private final KafkaRaftServer server;

  private SaslSslBroker(int port, SelfSignedCertificate certificate, KafkaRaftServer server) {
    this.port = port;
    this.certificate = certificate;
    this.server = server;
  }

  /** @param users user name to password; "broker" is added for the broker's own connections */
  static SaslSslBroker start(Path dir, SelfSignedCertificate certificate, Map<String, String> users, int port,
      int controllerPort) throws Exception {
    String brokerPassword = "broker-" + Uuid.randomUuid();
    StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"broker\" password=\"" + brokerPassword + "\" user_broker=\"" + brokerPassword + "\"");
    users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append("\""));
    jaas.append(';');
    Path logDir = dir.resolve("kafka-sasl");
    Map<String, String> config = new HashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", "1");
    config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    config.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    config.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "SASL_SSL");
    config.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    config.put("sasl.enabled.mechanisms", MECHANISM);
    config.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    config.put("listener.name.sasl_ssl.plain.sasl.jaas.config", jaas.toString());
    config.put("ssl.keystore.location", certificate.keyStore().toString());
    config.put("ssl.keystore.password", certificate.password());
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.truststore.location", certificate.trustStore().toString());
    config.put("ssl.truststore.password", certificate.password());
    config.put("ssl.truststore.type", "PKCS12");
    config.put("log.dirs", logDir.toString());
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "3");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "3");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("min.insync.replicas", "1");
    config.put("default.replication.factor", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    format(logDir, config);
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
    server.startup();
    return new SaslSslBroker(port, certificate, server);
  }

  private static void format(Path logDir, Map<String, String> config) throws Exception {
    Files.createDirectories(logDir);
    Path file = logDir.resolveSibling("kafka-sasl-format.properties");
    Properties props = new Properties();
    props.putAll(config);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(w, "SASL_SSL test broker");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
          "--config", file.toString()}, ps);
    } finally {
      Files.deleteIfExists(file);
    }
    if (rc != 0) {
      throw new IllegalStateException("format failed: " + out.toString(StandardCharsets.UTF_8));
    }
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Client settings that authenticate as {@code user} over TLS, trusting the test certificate. */
  Map<String, String> clientSecurity(String user, String password) {
    return Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", MECHANISM,
        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user + "\" password=\"" + password + "\";",
        "ssl.truststore.location", certificate.trustStore().toString(),
        "ssl.truststore.password", certificate.password(),
        "ssl.truststore.type", "PKCS12");
  }

  Map<String, Object> clientConfig(String user, String password) {
    Map<String, Object> config = new HashMap<>(clientSecurity(user, password));
    config.put("bootstrap.servers", bootstrapServers());
    config.put("request.timeout.ms", 10_000);
    config.put("default.api.timeout.ms", 20_000);
    return config;
  }

  void createTopics(String user, String password, List<NewTopic> topics) throws Exception {
    try (Admin admin = Admin.create(clientConfig(user, password))) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
