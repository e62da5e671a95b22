package io.pumptwin.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@RealKafka
class RealKafkaExtensionTest {

  @Test
  void telemetryRoundTripsThroughTheRealBrokerAndRegistry(RealStack stack) throws Exception {
    TelemetryEnvelope sent = statusReport("SN-TEST-" + stack.uniqueId("pump"), 1);

    RecordMetadata written;
    try (var producer = stack.producer(Topics.TELEMETRY)) {
      written = producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), sent.getPumpSerial(), sent))
          .get(30, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<String, TelemetryEnvelope>> read;
    try (var consumer = stack.consumer(Topics.TELEMETRY)) {
      read = RealStack.poll(consumer, 1, Duration.ofSeconds(30)).stream()
          .filter(r -> r.key().equals(sent.getPumpSerial())).toList();
    }

    assertThat(read).hasSize(1);
    assertThat(read.get(0).value()).isEqualTo(sent);
    assertThat(read.get(0).offset()).isEqualTo(written.offset());
  }

  @Test
  void recordsCarryTheRegistrysIdInTheConfluentHeader(RealStack stack) throws Exception {
    TelemetryEnvelope sent = statusReport("SN-WIRE-" + stack.uniqueId("pump"), 2);
    byte[] bytes = stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().serializer()
        .serialize(Topics.TELEMETRY.name(), sent);

    ByteBuffer header = ByteBuffer.wrap(bytes);
    assertThat(header.get()).as("magic byte").isEqualTo((byte) 0);
    int id = header.getInt();
    assertThat(stack.registryClient().schemaById(id)).isEqualTo(Topics.TELEMETRY.valueSchema());
    assertThat(stack.localStack().schemaIds()).containsEntry(Topics.TELEMETRY.valueSubject(), id);
  }

  @Test
  void everyTopicExistsWithItsPartitionsAndEverySubjectIsRegistered(RealStack stack) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      var described = admin.describeTopics(Topics.ALL.stream().map(t -> t.name()).toList())
          .allTopicNames().get(30, TimeUnit.SECONDS);
      for (var spec : Topics.ALL) {
        assertThat(described.get(spec.name()).partitions()).as(spec.name()).hasSize(spec.partitions());
      }
    }
    assertThat(stack.registryClient().subjects())
        .containsAll(Topics.ALL.stream().map(t -> t.valueSubject()).toList());
  }

  @Test
  void oneStackServesTheWholeJvm(RealStack first, RealStack second) {
    assertThat(first).isSameAs(second);
  }

  private static TelemetryEnvelope statusReport(String pump, long sequence) {
    return TelemetryEnvelope.newBuilder()
        .setEventId("evt-" + pump + "-" + sequence)
        .setPumpSerial(pump)
        .setPatientPseudonym("pat-test")
        .setClinicId("clinic-test")
        .setEventTime(Instant.parse("2026-11-01T08:00:00Z").plusSeconds(900 * sequence))
        .setSequence(sequence)
        .setSource(TelemetrySource.HOME_COMMUNICATOR)
        .setPayload(StatusReport.newBuilder()
            .setPumpComputedReservoirMl(12.5)
            .setReservoirCapacityMl(20)
            .setLowReservoirAlarmMl(2.0)
            .setConcentrationMcgPerMl(2000)
            .setDoseMcgPerDay(500)
            .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
            .setBatteryRemainingPercent(71.5)
            .setBatteryVoltageV(null)
            .setActiveAlarms(List.of())
            .build())
        .build();
  }
}
