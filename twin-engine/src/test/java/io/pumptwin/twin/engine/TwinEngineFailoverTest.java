package io.pumptwin.twin.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.ModelParameterSet;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.TwinModelParameters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
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
 * owner; one instance, in a JVM of its own, is killed (SIGKILL) while telemetry flows; the survivor's twins equal
 * those of an uninterrupted single instance over the same input, and every twin event of that run is written
 * exactly once (read_committed).
 *
 * <p>The input is a fixed history (March 2026), and the engine stamps its output records with event time; so the
 * private output topics keep records regardless of age ({@code retention.ms=-1}). With the broker's default
 * 7-day retention, its retention task (30 s after start, then every 5 minutes) deletes the twin events between
 * the write and the read, which once looked like lost events. The test checks that nothing was deleted.
 */
@RealKafka
class TwinEngineFailoverTest {
    private static final int PUMPS = 24;
    private static final int REPORTS = 40;
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    /** Short commit interval and session timeout: the fail-over happens within the test's patience. */
    static final Map<String, Object> STREAMS_OVERRIDES = Map.of("commit.interval.ms", 200,
            "consumer.session.timeout.ms", 10_000);
    /** The staff token the test queries with: an admin of both clinics of the test fleet. */
    static final String QUERY_TOKEN = "failover-test-admin-token";

    static io.pumptwin.twin.query.QueryAccess queryAccess() {
        return new io.pumptwin.twin.query.QueryAccess(Map.of(io.pumptwin.twin.query.QueryAccess.sha256(QUERY_TOKEN),
                new io.pumptwin.twin.query.QueryAccess.Staff("staff-test-admin", io.pumptwin.events.StaffRole.ADMIN,
                        Set.of("clinic-0", "clinic-1"))));
    }

    /** Output topics keep the fixed-date test history whatever its age (see the class comment). */
    private static final Map<String, String> KEEP = Map.of("retention.ms", "-1");
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

            // Two instances of one application, each with its own query port and state directory; a in a JVM of
            // its own so that it can be killed.
            TwinEngineConfig.TwinTopicNames out = outputs(stack, telemetry);
            String appId = stack.uniqueId("twin-failover");
            int[] ports = FreePorts.pick(2);
            TwinEngineConfig aConfig = config(stack, appId, out, ports[0], "a");
            Path aLog = aConfig.stateDir().resolveSibling("a.log");
            java.nio.file.Files.createDirectories(aConfig.stateDir());
            Process a = TwinEngineChild.start(aConfig, aLog);
            TwinEngine b = new TwinEngine(config(stack, appId, out, ports[1], "b")).start();
            try {
                await("both instances running", () -> ready(ports[0]) && b.state().toString().equals("RUNNING"),
                        a, aLog);
                await("first half processed", () -> committed(stack, appId, telemetry) >= half, a, aLog);

                // The query API answers for every pump from either instance, routing to the owner.
                Set<String> relayedFrom = new HashSet<>();
                for (int p = 0; p < PUMPS; p++) {
                    HttpResponse<String> r = getAnswered(b.port(), "/v1/pumps/" + serial(p));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(json.readTree(r.body()).path("pumpSerial").asText()).isEqualTo(serial(p));
                    r.headers().firstValue("X-Twin-Instance").ifPresent(relayedFrom::add);
                }
                assertThat(relayedFrom).containsExactly("127.0.0.1:" + ports[0]);
                HttpResponse<String> clinic = getAnswered(b.port(), "/v1/pumps?clinic=clinic-1&limit=1000");
                assertThat(clinic.statusCode()).as(clinic.body()).isEqualTo(200);
                assertThat(json.readTree(clinic.body()).path("count").asInt()).isEqualTo(PUMPS / 2);

                // Instance a dies (SIGKILL) while the second half flows in: its open transaction is left for the
                // coordinator to abort, its tasks move to b after the session timeout.
                for (ProducerRecord<String, TelemetryEnvelope> r : input.subList(half, half + 100)) {
                    producer.send(r);
                }
                producer.flush();
                TwinEngineChild.kill(a);
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

                    List<String> referenceIds = eventIds(stack, refOut.twinEvents());
                    List<String> failoverIds = eventIds(stack, out.twinEvents());
                    // A missing event must be the engine's doing, not the broker's retention; and the killed
                    // instance must not have left a transaction open (it would hold read_committed readers back).
                    assertThat(openTransactions(stack, out.twinEvents())).as("open transactions").isEmpty();
                    assertThat(logStartOffsets(stack, out.twinEvents())).as("twin events deleted by the broker")
                            .containsOnly(0L);
                    assertThat(logStartOffsets(stack, refOut.twinEvents())).as("twin events deleted by the broker")
                            .containsOnly(0L);
                    assertThat(referenceIds).isNotEmpty();
                    assertThat(failoverIds).doesNotHaveDuplicates();
                    assertThat(new TreeMap<>(count(failoverIds))).isEqualTo(new TreeMap<>(count(referenceIds)));

                    // Every state names its model parameters by digest, and the values are on the parameters
                    // topic under it, written in the engines' transactions (a copy per task and start, one key).
                    TwinModelParameters model = TwinModelParameters.defaults();
                    assertThat(survivorTwins.path("pumps").size()).isEqualTo(PUMPS);
                    for (JsonNode twin : survivorTwins.path("pumps")) {
                        assertThat(twin.path("provenance").path("parametersDigest").asText())
                                .isEqualTo(model.digest());
                    }
                    Map<String, ModelParameterSet> published = parameterSets(stack, out.parameters());
                    assertThat(published).containsOnlyKeys(model.digest());
                    assertThat(published.get(model.digest()).getDefinition()).isEqualTo(model.definition());
                }
            } finally {
                a.destroyForcibly();
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
                .withStreamsOverrides(STREAMS_OVERRIDES)
                .withQueryAccess(queryAccess());
    }

    private static TwinEngineConfig.TwinTopicNames outputs(RealStack stack, String telemetry) {
        return new TwinEngineConfig.TwinTopicNames(telemetry,
                stack.createTopic("twin-state", 6, Map.of("cleanup.policy", "compact")),
                stack.createTopic("twin-events", 6, KEEP), stack.createTopic("twin-dlq", 6, KEEP),
                stack.createTopic("twin-parameters", 1, Map.of("cleanup.policy", "compact")));
    }

    /** The committed parameter sets on {@code topic}, by key (the digest), each key's last value. */
    private static Map<String, ModelParameterSet> parameterSets(RealStack stack, String topic) {
        var deserializer = stack.topicRegistry().topic(Topics.TWIN_PARAMETERS).valueSerde().deserializer();
        try (KafkaConsumer<String, ModelParameterSet> consumer = new KafkaConsumer<>(
                stack.consumerConfig(stack.uniqueId("twin-parameters-check")), new StringDeserializer(),
                deserializer)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Map<String, ModelParameterSet> sets = new java.util.HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                for (ConsumerRecord<String, ModelParameterSet> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.value().getDigest()).isEqualTo(r.key());
                    sets.put(r.key(), r.value());
                }
            }
            return sets;
        }
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
        HttpResponse<String> r = getAnswered(port, "/v1/pumps?limit=1000");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + QUERY_TOKEN)
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

    /**
     * Every committed twin event: each partition read from its start up to its last stable offset, the end a
     * read_committed consumer sees. The engines are idle by now (all input committed) and the killed instance's
     * transaction has been aborted (b could not take its tasks before), so that end is the partition's end.
     */
    private static List<String> eventIds(RealStack stack, String topic) {
        var deserializer = stack.topicRegistry().topic(Topics.TWIN_EVENTS).valueSerde().deserializer();
        try (KafkaConsumer<String, TwinEvent> consumer = new KafkaConsumer<>(
                stack.consumerConfig(stack.uniqueId("twin-events-check")), new StringDeserializer(), deserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> ids = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                for (ConsumerRecord<String, TwinEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    ids.add(r.value().getEventId());
                }
            }
            return ids;
        }
    }

    /** Partitions whose last stable offset is behind their end: a transaction left open. */
    private static Map<TopicPartition, Long> openTransactions(RealStack stack, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < 6; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            var high = admin.listOffsets(latest).all().get();
            Map<TopicPartition, Long> open = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            stable.forEach((tp, info) -> {
                if (info.offset() < high.get(tp).offset()) {
                    open.put(tp, info.offset());
                }
            });
            return open;
        }
    }

    private static List<Long> logStartOffsets(RealStack stack, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            for (int p = 0; p < 6; p++) {
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
            return admin.listOffsets(earliest).all().get().values().stream()
                    .map(ListOffsetsResult.ListOffsetsResultInfo::offset).toList();
        }
    }

    private boolean ready(int port) {
        try {
            return get(port, "/ready").statusCode() == 200;
        } catch (Exception e) {
            return false; // not listening yet
        }
    }

    /**
     * GET, asking again while the instance answers 503: a rebalance (the shared machine can delay a heartbeat)
     * makes the store briefly unqueryable, which the API reports as 503 for the client to retry. As long as the
     * other waits here (120 s): at load average 13 the survivor was still restoring the dead instance's stores
     * ("stream thread is STARTING") after 60 s.
     */
    private HttpResponse<String> getAnswered(int port, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpResponse<String> r = get(port, path);
        while (r.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(200); // polling a rebalancing instance; the status, not the sleep, decides
            r = get(port, path);
        }
        return r;
    }

    private static Map<String, Integer> count(List<String> ids) {
        Map<String, Integer> counts = new TreeMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts;
    }

    /** Polls a condition every 200 ms for up to 120 s (broker work on a shared 2-core machine). */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, null, null);
    }

    /** As above; fails at once, with the child's log, if the child instance died. */
    private static void await(String what, BooleanSupplier condition, Process child, Path childLog)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (child != null && !child.isAlive()) {
                throw new AssertionError("instance a exited (" + child.exitValue() + ") waiting for: " + what
                        + "\n" + tail(childLog));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + (childLog == null ? "" : "\n" + tail(childLog)));
            }
            Thread.sleep(200); // polling a real broker; the condition, not the sleep, decides
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
