package io.pumptwin.alerting.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.TestEvents;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Alerting starts and takes over with the start-up settings it shares with the twin engine (StreamsStartup). */
class AlertingStreamsSettingsTest {

  private StreamsConfig resolved(Map<String, Object> overrides) {
    AlertingConfig config = TestEvents.config("unused:9092", "alerting-test", Path.of("/tmp/unused"),
        ApiAccess.none(), new OnCallRouting(Map.of(), Map.of()), null, RetryPolicy.defaults())
        .withStreamsOverrides(overrides);
    return new StreamsConfig(AlertingTopology.streamsConfig(config,
        new TopicRegistry(new InMemorySchemaRegistryClient(), SerdeSettings.autoRegistering()),
        new SimpleMeterRegistry()));
  }

  @Test
  void theRestoreConsumerWaitsLessAndStreamsChecksItsNewTopicsSooner() {
    StreamsConfig config = resolved(Map.of());
    assertThat(config.getRestoreConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG).toString())
        .isEqualTo("50");
    assertThat(config.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(20L);
  }

  @Test
  void aDeploymentsOverridesStillWin() {
    StreamsConfig config = resolved(Map.of(
        StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 500));
    assertThat(config.getRestoreConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG).toString())
        .isEqualTo("500");
  }
}
