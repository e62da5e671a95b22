package io.pumptwin.service.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The start-up settings reach the client each was meant for: Kafka Streams hands a setting without a prefix to every
 * client, and one with a prefix to that client only, so a layering mistake would pass unnoticed at start-up.
 */
class StreamsStartupTest {

  private final StreamsConfig config = new StreamsConfig(withStartup());

  private static Properties withStartup() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    StreamsStartup.applyTo(p);
    return p;
  }

  @Test
  void theShortRetryIsForStreamsOwnTopicCheckAloneAndTheClientsKeepTheirs() {
    assertThat(config.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(20L);
    assertThat(backoff(config.getMainConsumerConfigs("g", "c", 0))).isEqualTo(100L);
    assertThat(backoff(config.getRestoreConsumerConfigs("c"))).isEqualTo(100L);
    assertThat(backoff(config.getGlobalConsumerConfigs("c"))).isEqualTo(100L);
    assertThat(backoff(config.getProducerConfigs("c"))).isEqualTo(100L);
    assertThat(backoff(config.getAdminConfigs("c"))).isEqualTo(100L);
  }

  @Test
  void onlyTheRestoreConsumerWaitsLessForAnEmptyFetch() {
    assertThat(config.getRestoreConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG).toString())
        .isEqualTo("50");
    // the main consumer keeps Kafka's default (500 ms): a fetch of the input returns as soon as it has records
    assertThat(config.getMainConsumerConfigs("g", "c", 0)).doesNotContainKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
  }

  private static long backoff(Map<String, Object> clientConfigs) {
    // the same key for every client ("retry.backoff.ms", CommonClientConfigs)
    return Long.parseLong(String.valueOf(clientConfigs.get(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG)));
  }
}
