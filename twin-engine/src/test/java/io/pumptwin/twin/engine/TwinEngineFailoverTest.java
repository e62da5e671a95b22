package io.pumptwin.twin.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two engine instances over the same topics on the real broker and registry: the query API routes to the
 * owner; one instance is closed while telemetry flows; the survivor's twins equal those of an uninterrupted
 * single instance over the same input, and no twin event is written twice (read_committed).
 */
@RealKafka
class TwinEngineFailoverTest {
    private static final int PUMPS = 24;
    private static final int REPORTS = 40;
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void the_survivor_of_a_failover_ends_with_the_twins_of_an_uninterrupted_run(RealStack stack) throws Exception {
        String telemetry = stack.createTopic("twin-telemetry", 6, Map.of());
        List<ProducerRecord<String, TelemetryEnvelope>> input = input(telemetry);
        int half = input.size() / 2;
        try (KafkaProducer<String, TelemetryEnvelope> producer = stack.producer(Topics.TELEMETRY)) {
            for (ProducerRecord<String, TelemetryEnvelope> r : input.subList(0, half)) {
                producer.send(r);
            }
            producer.flush();

            // Two instances of one application, each with its own query port and state directory.
            TwinEngineConfig.TwinTopicNames out = outputs(stack, telemetry);
            String appId = stack.uniqueId("twin-failover");
            int[] ports = FreePorts.pick(2);
            TwinEngine a = new TwinEngine(config(stack, appId, out, ports[0], "a")).start();
            TwinEngine b = new TwinEngine(config(stack, appId, out, ports[1], "b")).start();
            try {
                await("both instances running", () -> a.state().toString().equals("RUNNING")
                        && b.state().toString().equals("RUNNING"));
                await("first half processed", () -> committed(stack, appId, telemetry) >= half);

                // The query API answers for every pump from either instance, routing to the owner.
                Set<String> relayedFrom = new HashSet<>();
                for (int p = 0; p < PUMPS; p++) {
                    HttpResponse<String> r = get(b.port(), "/v1/pumps/" + serial(p));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(json.readTree(r.body()).path("pumpSerial").asText()).isEqualTo(serial(p));
                    r.headers().firstValue("X-Twin-Instance").ifPresent(relayedFrom::add);
                }
                assertThat(relayedFrom).containsExactly("127.0.0.1:" + ports[0]);
                JsonNode fleet = json.readTree(get(b.port(), "/v1/pumps?clinic=clinic-1&limit=1000").body());
                assertThat(fleet.path("count").asInt()).isEqualTo(PUMPS / 2);

                // Instance a goes away while the second half flows in.
                for (ProducerRecord<String, TelemetryEnvelope> r : input.subList(half, half + 100)) {
                    producer.send(r);
                }
                a.close();
                for (ProducerRecord<String, TelemetryEnvelope> r : input.subList(half + 100, input.size())) {
                    producer.send(r);
                }
                producer.flush();
                await("all processed by the survivor", () -> committed(stack, appId, telemetry) >= input.size());
                JsonNode survivorTwins = fleetOf(b.port());

                // The same input through one uninterrupted instance.
                TwinEngineConfig.TwinTopicNames refOut = outputs(stack, telemetry);
                String refId = stack.uniqueId("twin-reference");
                try (TwinEngine ref = new TwinEngine(config(stack, refId, refOut, 0, "ref")).start()) {
                    await("reference processed", () -> committed(stack, refId, telemetry) >= input.size());
                    JsonNode referenceTwins = fleetOf(ref.port());
                    assertThat(survivorTwins.path("count").asInt()).isEqualTo(PUMPS);
                    assertThat(survivorTwins).isEqualTo(referenceTwins);

                    List<String> referenceIds = eventIds(stack, refOut.twinEvents(), 0);
                    // read_committed waits for open transactions: read until the reference's count arrives or 60 s
                    List<String> failoverIds = eventIds(stack, out.twinEvents(), referenceIds.size());
                    assertThat(referenceIds).isNotEmpty();
                    assertThat(failoverIds).doesNotHaveDuplicates();
                    assertThat(new TreeMap<>(count(failoverIds))).isEqualTo(new TreeMap<>(count(referenceIds)));
                }
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private TwinEngineConfig config(RealStack stack, String appId, TwinEngineConfig.TwinTopicNames topics, int port,
                                    String instance) {
        Path stateDir = Path.of(stack.streamsConfig("state").get("state.dir").toString()).resolve(instance);
        return TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), stateDir)
                .withApplicationId(appId).withTopics(topics)
                .withQueryServer(port, port == 0 ? null : "127.0.0.1:" + port)
                .withStreamsOverrides(Map.of("commit.interval.ms", 200, "consumer.session.timeout.ms", 10_000));
    }

    private static TwinEngineConfig.TwinTopicNames outputs(RealStack stack, String telemetry) {
        return new TwinEngineConfig.TwinTopicNames(telemetry,
                stack.createTopic("twin-state", 6, Map.of("cleanup.policy", "compact")),
                stack.createTopic("twin-events", 6, Map.of()), stack.createTopic("twin-dlq", 6, Map.of()));
    }

    /** Pumps reporting every 6 hours for 10 days; odd pumps have an occluded catheter found at a refill. */
    private static List<ProducerRecord<String, TelemetryEnvelope>> input(String topic) {
        List<ProducerRecord<String, TelemetryEnvelope>> records = new ArrayList<>();
        for (int slot = 0; slot < REPORTS; slot++) {
            for (int p = 0; p < PUMPS; p++) {
                Instant at = T0.plus(Duration.ofHours(6L * slot)).plusSeconds(p);
                Object payload;
                if (slot == 0 || slot == REPORTS - 2) {
                    double expected = slot == 0 ? 2.0 : 20 - 9.5 * 0.25;
                    double measured = slot == 0 ? 2.0 : p % 2 == 1 ? expected + 9 : expected;
                    payload = RefillRecord.newBuilder().setExpectedResidualMl(expected).setMeasuredResidualMl(measured)
                            .setFilledVolumeMl(20).setReservoirCapacityMl(20).setConcentrationMcgPerMl(2000)
                            .setDoseMcgPerDay(500).setLowReservoirAlarmMl(2.0).setProgrammedConcentrationMcgPerMl(null)
                            .setPocketFillSuspected(false).build();
                } else {
                    payload = StatusReport.newBuilder().setPumpComputedReservoirMl(20 - slot * 0.25 * 0.25)
                            .setReservoirCapacityMl(20).setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(2000)
                            .setDoseMcgPerDay(500).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
                            .setBatteryRemainingPercent(80).setBatteryVoltageV(null).setActiveAlarms(List.of())
                            .setManufacturedOn(null).build();
                }
                // pump 0 falls silent half-way: a stream-time event
                if (p == 0 && slot > REPORTS / 2) {
                    continue;
                }
                TelemetryEnvelope e = TelemetryEnvelope.newBuilder().setEventId(serial(p) + "-" + slot)
                        .setPumpSerial(serial(p)).setPatientPseudonym("pt-" + p).setClinicId("clinic-" + (p % 2))
                        .setEventTime(at).setSequence(slot).setSource(TelemetrySource.HOME_COMMUNICATOR)
                        .setReceivedTime(null).setPayload(payload).build();
                records.add(new ProducerRecord<>(topic, serial(p), e));
            }
        }
        return records;
    }

    private static String serial(int p) {
        return String.format("FO%05d", p);
    }

    private JsonNode fleetOf(int port) throws Exception {
        HttpResponse<String> r = get(port, "/v1/pumps?limit=1000");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long committed(RealStack stack, String groupId, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> eventIds(RealStack stack, String topic, int expected) {
        var deserializer = stack.topicRegistry().topic(Topics.TWIN_EVENTS).valueSerde().deserializer();
        try (KafkaConsumer<String, TwinEvent> consumer = new KafkaConsumer<>(
                stack.consumerConfig(stack.uniqueId("twin-events-check")), new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            List<String> ids = new ArrayList<>();
            long quietSince = System.nanoTime();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while ((ids.size() < expected && System.nanoTime() < deadline)
                    || System.nanoTime() - quietSince < 5_000_000_000L) {
                for (ConsumerRecord<String, TwinEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    ids.add(r.value().getEventId());
                    quietSince = System.nanoTime();
                }
            }
            return ids;
        }
    }

    private static Map<String, Integer> count(List<String> ids) {
        Map<String, Integer> counts = new TreeMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts;
    }

    /** Polls a condition every 200 ms for up to 120 s (broker work on a shared 2-core machine). */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(200); // polling a real broker; the condition, not the sleep, decides
        }
    }
}
