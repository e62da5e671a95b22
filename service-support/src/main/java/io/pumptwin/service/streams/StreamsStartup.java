package io.pumptwin.service.streams;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Start-up and take-over settings for the project's Kafka Streams services (the twin engine and alerting): how long an
 * instance takes from start to RUNNING, which is also how long a restarted or replacement instance takes before it
 * processes again after a failure.
 *
 * <p>Two waits decide it on empty or nearly empty changelogs, both Kafka defaults sized for other things (Kafka Streams'
 * INFO log, 2026-12-05):
 * <ul>
 *   <li>tasks reach the state updater in groups, and each group waited about 500 ms, the restore consumer's
 *       {@code fetch.max.wait.ms}, for a fetch of the previous group's changelogs before its own could count as
 *       restored. 50 ms here: a changelog with records is fetched as before (a fetch returns as soon as it has data);
 *       an idle standby costs a fetch every 50 ms instead of 500.</li>
 *   <li>Kafka Streams checks that the internal topics it has just created are ready every {@code retry.backoff.ms}
 *       (100 ms). 20 ms for that check alone: the Streams-level setting is read only by it, and the clients keep their
 *       own 100 ms backoff after a failed request.</li>
 * </ul>
 * And a clean stop leaves the consumer group ({@link #close}).
 *
 * <p>StreamsStartupBenchmark (bench/results/streams-startup.md, 2026-12-05 07:57, medians of 3 alternating rounds), as
 * shipped against Kafka's defaults: a first start of the twin engine 0.94 s against 1.68, of alerting 1.05 against
 * 1.71; a restart of the same application 0.76 s against 44.51 and 1.14 against 44.36 (the close, below).
 */
public final class StreamsStartup {
  /** The restore consumer's wait for an empty fetch (Kafka's default: 500 ms). */
  public static final int RESTORE_FETCH_MAX_WAIT_MS = 50;
  /** Kafka Streams' own retry backoff, read only by its internal-topic check (Kafka's default: 100 ms). */
  public static final long STREAMS_RETRY_BACKOFF_MS = 20;
  /** What every client keeps after a failed request (Kafka's default). */
  public static final long CLIENT_RETRY_BACKOFF_MS = 100;

  private StreamsStartup() {}

  /** Puts the start-up settings into {@code p}, a service's Streams properties (its overrides go on top). */
  public static void applyTo(Properties p) {
    p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_MAX_WAIT_MS);
    p.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, STREAMS_RETRY_BACKOFF_MS);
    // Without these the clients would inherit the Streams-level 20 ms (a setting without a prefix reaches every client).
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG), CLIENT_RETRY_BACKOFF_MS);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), CLIENT_RETRY_BACKOFF_MS);
    p.put(StreamsConfig.adminClientPrefix(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG), CLIENT_RETRY_BACKOFF_MS);
  }

  /**
   * Stops {@code streams} and leaves its consumer group. Kafka Streams' own close stays in the group (for static
   * members, which come back under the same id); the services are dynamic members, and a restarted instance joins
   * under a new id: the coordinator then waited for the old member's session to expire (session.timeout.ms, 45 s by
   * default) before it gave out the tasks, and for those 45 s no instance processed them: no twin moved, no alert went
   * out (StreamsStartupBenchmark: 44.3-44.6 s to RUNNING, against 0.7-1.2 s). Leaving, the group rebalances at once.
   * A crashed instance cannot leave: its tasks move after the session timeout, which a deployment may shorten
   * (consumer.session.timeout.ms in its Streams overrides).
   *
   * @return whether every thread stopped within the timeout
   */
  public static boolean close(KafkaStreams streams, Duration timeout) {
    return streams.close(CloseOptions.timeout(timeout)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
