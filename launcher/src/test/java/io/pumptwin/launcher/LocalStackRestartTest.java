package io.pumptwin.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.ConfluentAvroSerde;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default keeps its data: a restart on the same data directory resumes the last run. */
class LocalStackRestartTest {

  @TempDir Path dataDir;

  @Test
  void aRestartKeepsRecordsTopicsAndTheSchemaIdsTheRecordsCarry() throws Exception {
    int[] ports = FreePorts.pick(3);
    LocalStack.Settings settings = LocalStack.Settings.of(ports[0], ports[1], ports[2], dataDir);
    TelemetryEnvelope sent = statusReport("SN-RESTART-1", 42);
    // A subject only this run registers: a registry that lost its data and re-registered the
    // PumpTwin schemas in the same order would hand out the same ids, but would not know this one.
    Schema probe = SchemaBuilder.record("RestartProbe").namespace("io.pumptwin.test")
        .fields().requiredLong("seenAtMs").endRecord();

    String clusterId;
    Map<String, Integer> idsBefore;
    int probeId;
    RecordMetadata written;
    try (LocalStack first = LocalStack.start(settings)) {
      assertThat(first.topics()).allMatch(LocalStack.TopicStatus::created);
      clusterId = first.clusterId();
      idsBefore = first.schemaIds();
      probeId = first.registryClient().register("restart-probe-value", probe);
      var telemetry = first.topicRegistry().topic(Topics.TELEMETRY);
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all"),
          telemetry.keySerde().serializer(), telemetry.valueSerde().serializer())) {
        written = producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), sent.getPumpSerial(), sent))
            .get(30, TimeUnit.SECONDS);
      }
    }

    try (LocalStack second = LocalStack.start(settings)) {
      assertThat(second.clusterId()).isEqualTo(clusterId);
      assertThat(second.topics()).noneMatch(LocalStack.TopicStatus::created);
      assertThat(second.schemaIds()).isEqualTo(idsBefore);

      byte[] value = readValue(second.bootstrapServers(),
          new TopicPartition(written.topic(), written.partition()), written.offset());
      ByteBuffer header = ByteBuffer.wrap(value);
      assertThat(header.get()).as("Confluent magic byte").isZero();
      int idInRecord = header.getInt();
      assertThat(idInRecord).isEqualTo(idsBefore.get(Topics.TELEMETRY.valueSubject()));

      // A client with empty caches: every id must be resolved by the restarted registry itself.
      try (var fresh = new HttpSchemaRegistryClient(RegistrySettings.of(second.registryUrl()))) {
        assertThat(fresh.subjects()).contains("restart-probe-value");
        assertThat(fresh.schemaById(probeId)).isEqualTo(probe);
        assertThat(fresh.schemaById(idInRecord)).isEqualTo(Topics.TELEMETRY.valueSchema());
        var deserializer = new ConfluentAvroSerde<>(fresh, TelemetryEnvelope.class,
            SerdeSettings.preRegistered()).deserializer();
        assertThat(deserializer.deserialize(Topics.TELEMETRY.name(), value)).isEqualTo(sent);
      }
    }
  }

  private static byte[] readValue(String bootstrap, TopicPartition partition, long offset) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seek(partition, offset);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(records).as("record at %s offset %d after restart", partition, offset).isNotEmpty();
      assertThat(records.get(0).offset()).isEqualTo(offset);
      return records.get(0).value();
    }
  }

  static TelemetryEnvelope statusReport(String pump, long sequence) {
    return TelemetryEnvelope.newBuilder()
        .setEventId("evt-" + pump + "-" + sequence)
        .setPumpSerial(pump)
        .setPatientPseudonym("pat-restart")
        .setClinicId("clinic-test")
        .setEventTime(Instant.parse("2026-11-01T08:00:00Z").plusSeconds(900 * sequence))
        .setSequence(sequence)
        .setSource(TelemetrySource.HOME_COMMUNICATOR)
        .setPayload(StatusReport.newBuilder()
            .setPumpComputedReservoirMl(9.75)
            .setReservoirCapacityMl(20)
            .setLowReservoirAlarmMl(2.0)
            .setConcentrationMcgPerMl(2000)
            .setDoseMcgPerDay(500)
            .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
            .setBatteryRemainingPercent(64.0)
            .setBatteryVoltageV(null)
            .setActiveAlarms(List.of())
            .build())
        .build();
  }
}
