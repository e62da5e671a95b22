package io.pumptwin.gateway.ingest;

import io.pumptwin.service.security.KafkaSecurity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;

/**
 * Ready means the broker answers and both topics the gateway writes exist, checked with a real
 * round trip (describe topics) rather than the producer's cached metadata. The answer is cached
 * briefly so a probe storm does not become an admin-request storm.
 */
public final class BrokerReadiness implements AutoCloseable {
  private final Admin admin;
  private final List<String> topics;
  private final Duration timeout;
  private final Clock clock;
  private Status last = new Status(false, "not checked yet", Instant.MIN);

  public record Status(boolean ready, String detail, Instant checkedAt) {}

  public BrokerReadiness(String bootstrapServers, List<String> topics, Duration timeout, Clock clock) {
    this(bootstrapServers, KafkaSecurity.none(), topics, timeout, clock);
  }

  /** @param security the producer's client security settings: the check must pass the same door */
  public BrokerReadiness(String bootstrapServers, KafkaSecurity security, List<String> topics,
      Duration timeout, Clock clock) {
    Properties p = new Properties();
    p.putAll(security.settings());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "telemetry-gateway-readiness");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    this.admin = Admin.create(p);
    this.topics = List.copyOf(topics);
    this.timeout = timeout;
    this.clock = clock;
  }

  public synchronized Status check() {
    Instant now = clock.instant();
    if (last.checkedAt().plusSeconds(1).isAfter(now)) {
      return last;
    }
    try {
      admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
          .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      last = new Status(true, "broker reachable, topics " + topics + " present", now);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      last = new Status(false, "interrupted", now);
    } catch (Exception e) {
      last = new Status(false, TelemetryIngest.rootCause(e), now);
    }
    return last;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
