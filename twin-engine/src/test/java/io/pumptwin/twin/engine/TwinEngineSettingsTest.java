package io.pumptwin.twin.engine;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The engine's Streams settings reach the client each was meant for: Kafka Streams hands a setting without a prefix to
 * every client, and one with a prefix to that client only, so a layering mistake would pass unnoticed at start-up.
 */
class TwinEngineSettingsTest {

    private final StreamsConfig config = new StreamsConfig(TwinEngine.streamsProperties(
            TwinEngineConfig.defaults("localhost:9092", "http://localhost:8081", Path.of("/tmp/unused"))));

    @Test
    void theShortRetryIsForStreamsOwnTopicCheckAloneAndTheClientsKeepTheirs() {
        assertEquals(20L, config.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG));
        assertEquals(100L, backoff(config.getMainConsumerConfigs("g", "c", 0)));
        assertEquals(100L, backoff(config.getRestoreConsumerConfigs("c")));
        assertEquals(100L, backoff(config.getGlobalConsumerConfigs("c")));
        assertEquals(100L, backoff(config.getProducerConfigs("c")));
        assertEquals(100L, backoff(config.getAdminConfigs("c")));
    }

    @Test
    void onlyTheRestoreConsumerWaitsLessForAnEmptyFetch() {
        assertEquals(50, Integer.parseInt(config.getRestoreConsumerConfigs("c")
                .get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG).toString()));
        // the main consumer keeps Kafka's default (500 ms): a fetch of the input returns as soon as it has records
        assertNull(config.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    }

    @Test
    void theProducerWritesUncompressedInLargeBatches() {
        Map<String, Object> producer = config.getProducerConfigs("c");
        assertEquals("none", producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        assertEquals(256 * 1024, producer.get(ProducerConfig.BATCH_SIZE_CONFIG));
    }

    private static long backoff(Map<String, Object> clientConfigs) {
        // the same key for every client ("retry.backoff.ms", CommonClientConfigs)
        return Long.parseLong(String.valueOf(clientConfigs.get(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG)));
    }
}
