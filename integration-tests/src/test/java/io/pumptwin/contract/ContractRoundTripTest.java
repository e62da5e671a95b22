package io.pumptwin.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.schemas.fixtures.SampleRecords;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.serde.ConfluentAvroDeserializer;
import io.pumptwin.schemas.serde.WireFormatException;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A record of every topic goes through the real broker and the real registry and comes back equal. */
@RealKafka
class ContractRoundTripTest {

  static Stream<Arguments> oneRecordPerTopic() {
    Map<TopicSpec<?>, Function<String, SpecificRecord>> samples = Map.of(
        Topics.TELEMETRY, pump -> SampleRecords.refill(pump, 3),
        Topics.TELEMETRY_DLQ, SampleRecords::deadLetter,
        Topics.TWIN_STATE, SampleRecords::twinState,
        Topics.TWIN_PARAMETERS, digest -> SampleRecords.modelParameterSet(),
        Topics.TWIN_EVENTS, SampleRecords::twinEvent,
        Topics.ALERTS, SampleRecords::alertEvent,
        Topics.ALERT_COMMANDS, SampleRecords::alertCommand,
        Topics.NOTIFICATIONS, SampleRecords::notification,
        Topics.GROUND_TRUTH, SampleRecords::groundTruth);
    assertThat(samples.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
    return Topics.ALL.stream().map(spec -> Arguments.of(spec.name(), spec, samples.get(spec)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneRecordPerTopic")
  <V extends SpecificRecord> void recordRoundTripsThroughBrokerAndRegistry(String name,
      TopicSpec<V> spec, Function<String, SpecificRecord> sample, RealStack stack) throws Exception {
    String pump = stack.uniqueId("NGP");
    @SuppressWarnings("unchecked")
    V record = (V) sample.apply(pump);

    try (KafkaProducer<String, V> producer = stack.producer(spec);
        KafkaConsumer<String, V> consumer = stack.consumer(spec)) {
      producer.send(new ProducerRecord<>(spec.name(), pump, record)).get();
      List<ConsumerRecord<String, V>> read = RealStack.poll(consumer, 1, Duration.ofSeconds(30))
          .stream().filter(r -> pump.equals(r.key())).toList();
      assertThat(read).hasSize(1);
      assertThat(read.get(0).value()).isEqualTo(record);
    }

    // The subject follows the topic-name strategy and holds exactly the schema this code writes.
    var latest = stack.registryClient().latest(spec.valueSubject());
    assertThat(latest.schema()).isEqualTo(spec.valueSchema());
  }

  /**
   * The payload union's two newest branches, the clinic's explant and its retraction (naming the explant's event
   * id), through the real broker and registry.
   */
  @Test
  void anExplantAndItsRetractionRoundTripThroughBrokerAndRegistry(RealStack stack) throws Exception {
    String pump = stack.uniqueId("NGP");
    var explant = SampleRecords.explant(pump, 9);
    var retraction = SampleRecords.explantRetraction(pump, 10, explant.getEventId());
    try (var producer = stack.producer(Topics.TELEMETRY); var consumer = stack.consumer(Topics.TELEMETRY)) {
      producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), pump, explant)).get();
      producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), pump, retraction)).get();
      // Other tests write to the same topic: keep polling until both of this pump's records are read (one key, one
      // partition: in the order sent).
      var read = new java.util.ArrayList<ConsumerRecord<String, io.pumptwin.events.TelemetryEnvelope>>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (read.size() < 2 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (pump.equals(r.key())) {
            read.add(r);
          }
        });
      }
      assertThat(read).hasSize(2);
      assertThat(read.get(0).value()).isEqualTo(explant);
      assertThat(read.get(0).value().getPayload()).isInstanceOf(io.pumptwin.events.PumpExplant.class);
      assertThat(read.get(1).value()).isEqualTo(retraction);
      assertThat(read.get(1).value().getPayload()).isInstanceOfSatisfying(
          io.pumptwin.events.PumpExplantRetraction.class,
          r -> assertThat(r.getRetractedEventId()).isEqualTo(explant.getEventId()));
    }
  }

  @Test
  void bytesOnTheTopicAreConfluentWireFormatWithTheRegistrysId(RealStack stack) throws Exception {
    String pump = stack.uniqueId("NGP");
    try (var producer = stack.producer(Topics.TELEMETRY);
        var raw = new KafkaConsumer<>(stack.consumerConfig(stack.uniqueId("raw")),
            new StringDeserializer(), new ByteArrayDeserializer())) {
      producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), pump,
          SampleRecords.statusReport(pump, 1))).get();
      raw.subscribe(List.of(Topics.TELEMETRY.name()));
      byte[] bytes = RealStack.poll(raw, 1, Duration.ofSeconds(30)).stream()
          .filter(r -> pump.equals(r.key())).findFirst().orElseThrow().value();

      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      assertThat(bytes[0]).isZero();
      assertThat(stack.registryClient().schemaById(id)).isEqualTo(Topics.TELEMETRY.valueSchema());
    }
  }

  @Test
  void unknownSchemaIdAgainstTheRealRegistryIsTyped(RealStack stack) {
    // A fresh client: nothing cached, so the id is asked of the registry itself.
    var client = new HttpSchemaRegistryClient(RegistrySettings.of(stack.registryUrl()));
    var deserializer = new ConfluentAvroDeserializer<>(client, io.pumptwin.events.TelemetryEnvelope.class);
    byte[] bytes = new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 4};

    assertThatThrownBy(() -> deserializer.deserialize(Topics.TELEMETRY.name(), bytes))
        .isInstanceOf(SchemaRegistryException.UnknownSchemaId.class);
    assertThatThrownBy(() -> deserializer.deserialize(Topics.TELEMETRY.name(), "{}".getBytes()))
        .isInstanceOf(WireFormatException.WrongMagicByte.class);
  }

  @Test
  void theStackRefusesABreakingChangeToAPumpTwinSubject(RealStack stack) {
    // A new required field without default: old records could not be read by the new schema.
    var breaking = new org.apache.avro.Schema.Parser().parse(Topics.ALERTS.valueSchema().toString()
        .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"ward\",\"type\":\"string\"},"));
    assertThat(stack.registryClient().isCompatible(Topics.ALERTS.valueSubject(), breaking)).isFalse();
    assertThatThrownBy(() -> stack.registryClient().register(Topics.ALERTS.valueSubject(), breaking))
        .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class);
  }

  @Test
  void missingSubjectAndIncompatibleSchemaAreTypedByTheRealRegistry(RealStack stack) {
    var client = stack.registryClient();
    assertThatThrownBy(() -> client.latest(stack.uniqueId("no-such-topic") + "-value"))
        .isInstanceOf(SchemaRegistryException.SubjectNotFound.class);

    String subject = stack.uniqueId("evolving") + "-value";
    var v1 = new org.apache.avro.Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    var incompatible = new org.apache.avro.Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    client.register(subject, v1);
    client.setCompatibility(subject, "BACKWARD");
    assertThat(client.isCompatible(subject, incompatible)).isFalse();
    assertThatThrownBy(() -> client.register(subject, incompatible))
        .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class);
  }
}
