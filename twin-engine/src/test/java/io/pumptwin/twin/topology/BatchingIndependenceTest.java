package io.pumptwin.twin.topology;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The twins and twin events are a function of the partition's record order alone, not of how Kafka Streams
 * batches the records: the same telemetry, already on the topic (so the engine takes it in large poll batches, as
 * a replacement instance does with a backlog after a fail-over), gives on a real broker exactly what
 * TopologyTestDriver gives when it takes the records one at a time.
 *
 * <p>The input is store-and-forward traffic: half the pumps upload about two days of readings at a time (a home
 * communicator that is mostly off). Stream time, driven by the punctual pumps, finds them silent (48 h) shortly
 * before each upload arrives; whether a silent check fell between two uploads used to depend on where a poll
 * batch ended (the stream-time punctuation fires between batches).
 */
@RealKafka
class BatchingIndependenceTest {
    private static final int PUMPS = 16;
    private static final int READINGS_PER_DAY = 48;
    private static final int DAYS = 12;
    private static final Map<String, String> KEEP = Map.of("retention.ms", "-1");

    @Test
    void a_backlog_taken_in_large_batches_gives_the_events_of_one_record_at_a_time(RealStack stack) throws Exception {
        List<TelemetryEnvelope> input = storeAndForwardUploads();

        List<TestRecord<String, TwinEvent>> oneAtATime;
        Map<String, TwinState> oneAtATimeStates;
        try (TwinDriver driver = new TwinDriver(c -> c)) {
            for (TelemetryEnvelope e : input) {
                driver.send(e);
            }
            oneAtATime = driver.eventLog;
            oneAtATimeStates = driver.latestStates();
        }
        assertThat(oneAtATime).as("the input must make the late pumps silent, or it proves nothing")
                .anyMatch(r -> r.value().getType() == TwinEventType.PUMP_SILENT);

        // One partition: the record order is the topic's, for the engine and the driver alike.
        TwinEngineConfig.TwinTopicNames names = new TwinEngineConfig.TwinTopicNames(
                stack.createTopic("batching-telemetry", 1, KEEP),
                stack.createTopic("batching-twin-state", 1, Map.of("cleanup.policy", "compact")),
                stack.createTopic("batching-twin-events", 1, KEEP),
                stack.createTopic("batching-twin-dlq", 1, KEEP));
        try (KafkaProducer<String, TelemetryEnvelope> producer = stack.producer(Topics.TELEMETRY)) {
            for (TelemetryEnvelope e : input) {
                producer.send(new ProducerRecord<>(names.telemetry(), e.getPumpSerial(), e));
            }
            producer.flush();
        }
        String appId = stack.uniqueId("twin-batching");
        Path stateDir = Path.of(stack.streamsConfig("state").get("state.dir").toString()).resolve("batching");
        TwinEngineConfig config = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), stateDir)
                .withApplicationId(appId).withTopics(names).withQueryServer(0, null)
                .withStreamsOverrides(Map.of("max.poll.records", 5_000));
        try (TwinEngine engine = new TwinEngine(config).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (committed(stack, appId, names.telemetry()) < input.size()) {
                assertThat(System.nanoTime()).as("engine took all telemetry in time").isLessThan(deadline);
                Thread.sleep(200); // polling the broker's committed offsets; the offsets, not the sleep, decide
            }
        }
        List<TwinEvent> batched = readAll(stack, names.twinEvents(),
                stack.topicRegistry().topic(Topics.TWIN_EVENTS).valueSerde().deserializer());
        Map<String, TwinState> batchedStates = new LinkedHashMap<>();
        readAll(stack, names.twinState(), stack.topicRegistry().topic(Topics.TWIN_STATE).valueSerde().deserializer())
                .forEach(s -> batchedStates.put(s.getPumpSerial(), s));

        assertThat(batched).containsExactlyElementsOf(oneAtATime.stream().map(TestRecord::value).toList());
        assertThat(batchedStates).isEqualTo(oneAtATimeStates);
    }

    /**
     * Readings every 30 minutes for {@link #DAYS} days. Punctual pumps (even numbers) send each reading as it is
     * taken; the others store them and upload their backlog every 48.5 to 52 hours (one interval per pump), so
     * each of their uploads comes a different number of records after stream time has made it silent: some only a
     * record or two after, where a batch boundary rarely falls.
     */
    private static List<TelemetryEnvelope> storeAndForwardUploads() {
        List<TelemetryStory> pumps = new ArrayList<>();
        for (int p = 0; p < PUMPS; p++) {
            pumps.add(new TelemetryStory(String.format("BAT%03d", p)));
        }
        List<List<TelemetryEnvelope>> backlog = new ArrayList<>();
        for (int p = 0; p < PUMPS; p++) {
            backlog.add(new ArrayList<>());
        }
        int steps = DAYS * READINGS_PER_DAY;
        List<TelemetryEnvelope> out = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            for (int p = 0; p < PUMPS; p++) {
                double day = step / (double) READINGS_PER_DAY + p / 1440.0;
                backlog.get(p).add(pumps.get(p).status(day));
                int uploadEvery = p % 2 == 0 ? 1 : 96 + p; // in readings: 48.5 h for pump 1 ... 55.5 h for pump 15
                if ((step + 1) % uploadEvery == 0 || step == steps - 1) {
                    out.addAll(backlog.get(p));
                    backlog.get(p).clear();
                }
            }
        }
        return out;
    }

    private static long committed(RealStack stack, String groupId, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return -1; // the group does not exist yet
        }
    }

    /** Every committed record of a one-partition topic, from its start to its end. */
    private static <V> List<V> readAll(RealStack stack, String topic, Deserializer<V> values) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(stack.consumerConfig(stack.uniqueId("read")),
                new StringDeserializer(), values)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<V> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(tp) < end) {
                assertThat(System.nanoTime()).as("read " + topic + " to its end " + end).isLessThan(deadline);
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
            return out;
        }
    }
}
