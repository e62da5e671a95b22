package io.pumptwin.simulator.output;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.metrics.SimulatorMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bulk backfill: telemetry straight to {@code pump.telemetry.v1} and ground truth to
 * {@code sim.ground-truth.v1}, keyed by pump serial, in the Confluent wire format of the topic registry's
 * serdes. Bypasses the gateway on purpose (no authentication, no validation): it is for filling a
 * cluster with history, not for behaving like a device. One idempotent producer with acks=all keeps each
 * pump's records in order within its partition. With {@link SimulatorMetrics}, each acknowledged record counts
 * as sent by kind, each failed one as a send failure, and the producer's own client metrics are bound too.
 */
public final class KafkaSink implements SimulationSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topic<TelemetryEnvelope> telemetryTopic;
    private final Topic<GroundTruth> truthTopic;
    private final Serializer<String> keys;
    private final Serializer<TelemetryEnvelope> telemetryValues;
    private final Serializer<GroundTruth> truthValues;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicLong failures = new AtomicLong();
    private final boolean writeGroundTruth;
    private final SimulatorMetrics metrics;
    private final KafkaClientMetrics clientMetrics;

    /**
     * @param producerConfig at least {@code bootstrap.servers}; batching defaults suit backfill and can be
     *                       overridden here
     */
    public KafkaSink(TopicRegistry topics, Map<String, Object> producerConfig, boolean writeGroundTruth) {
        this(topics, producerConfig, writeGroundTruth, null);
    }

    /** @param metrics where acknowledgements, failures and the producer's client metrics go; null: nowhere */
    public KafkaSink(TopicRegistry topics, Map<String, Object> producerConfig, boolean writeGroundTruth,
                     SimulatorMetrics metrics) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        if (metrics != null) {
            // Its client metrics (kafka_producer_*) are told apart from the services' by this client_id.
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "pumptwin-fleet-simulator");
        }
        config.putAll(producerConfig);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.telemetryTopic = topics.topic(Topics.TELEMETRY);
        this.truthTopic = topics.topic(Topics.GROUND_TRUTH);
        this.keys = telemetryTopic.keySerde().serializer();
        this.telemetryValues = telemetryTopic.valueSerde().serializer();
        this.truthValues = truthTopic.valueSerde().serializer();
        this.writeGroundTruth = writeGroundTruth;
        this.metrics = metrics;
        this.clientMetrics = metrics == null ? null : new KafkaClientMetrics(producer);
        if (clientMetrics != null) {
            clientMetrics.bindTo(metrics.registry());
        }
    }

    @Override
    public void telemetry(TelemetryEnvelope event) {
        String topic = telemetryTopic.name();
        send(topic, keys.serialize(topic, event.getPumpSerial()), telemetryValues.serialize(topic, event),
                event.getEventTime().toEpochMilli(), metrics == null ? null : metrics.kindOf(event));
    }

    @Override
    public void groundTruth(GroundTruth truth) {
        if (!writeGroundTruth) {
            return;
        }
        String topic = truthTopic.name();
        send(topic, keys.serialize(topic, truth.getPumpSerial()), truthValues.serialize(topic, truth),
                truth.getSimTime().toEpochMilli(), SimulatorMetrics.GROUND_TRUTH);
    }

    private void send(String topic, byte[] key, byte[] value, long timestamp, String kind) {
        failIfBroken();
        // Record timestamps are the simulated event times, so time-based retention and replay see history.
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (metadata, exception) -> {
            if (metrics != null) {
                if (exception == null) {
                    metrics.sent(kind);
                } else {
                    metrics.failed();
                }
            }
            if (exception != null) {
                failures.incrementAndGet();
                if (firstFailure.compareAndSet(null, exception)) {
                    LOG.error("event=kafka_send_failed topic={} error={}", topic, exception.toString());
                }
            }
        });
    }

    private void failIfBroken() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new SinkFailedException("kafka sink stopped after " + failures.get() + " failed sends: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void flush() {
        producer.flush();
        failIfBroken();
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            if (clientMetrics != null) {
                clientMetrics.close();
            }
            producer.close();
        }
    }
}
