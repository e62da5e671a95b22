package io.pumptwin.twin.engine;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The engine's Streams settings reach the client each was meant for: Kafka Streams hands a setting without a prefix to
 * every client, and one with a prefix to that client only, so a layering mistake would pass unnoticed at start-up.
 */
class TwinEngineSettingsTest {

    private final StreamsConfig config = new StreamsConfig(TwinEngine.streamsProperties(
            TwinEngineConfig.defaults("localhost:9092", "http://localhost:8081", Path.of("/tmp/unused"))));

    @Test
    void theEngineStartsWithTheSharedStartUpSettings() {
        // what each of them does, and that each reaches its client, StreamsStartupTest checks
        assertEquals(20L, config.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG));
        assertEquals("50", config.getRestoreConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)
                .toString());
        assertEquals(100L, Long.parseLong(String.valueOf(config.getProducerConfigs("c")
                .get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG))));
    }

    @Test
    void theProducerWritesUncompressedInLargeBatches() {
        Map<String, Object> producer = config.getProducerConfigs("c");
        assertEquals("none", producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        assertEquals(256 * 1024, producer.get(ProducerConfig.BATCH_SIZE_CONFIG));
    }
}
