package io.pumptwin.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.fixtures.SampleRecords;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final ConfluentAvroSerde<TelemetryEnvelope> serde =
      new ConfluentAvroSerde<>(registry, TelemetryEnvelope.class, SerdeSettings.autoRegistering());
  private final String topic = Topics.TELEMETRY.name();

  @Test
  void writesMagicByteThenBigEndianSchemaIdThenAvro() {
    byte[] bytes = serde.serializer().serialize(topic, SampleRecords.statusReport("NGP100001", 1));

    int id = registry.latest(Topics.TELEMETRY.valueSubject()).id();
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    assertThat(serde.deserializer().deserialize(topic, bytes))
        .isEqualTo(SampleRecords.statusReport("NGP100001", 1));
  }

  @Test
  void aRecordThatFailsHalfWrittenLeavesNothingInTheNext() {
    var states = new ConfluentAvroSerde<>(registry, io.pumptwin.events.TwinState.class,
        SerdeSettings.autoRegistering());
    String stateTopic = Topics.TWIN_STATE.name();
    io.pumptwin.events.TwinState broken = new io.pumptwin.events.TwinState();
    broken.put("pumpSerial", "NGP100001"); // written, then the missing pseudonym fails the record
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> states.serializer().serialize(stateTopic, broken))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);

    byte[] after = states.serializer().serialize(stateTopic, SampleRecords.twinState("NGP100002"));
    byte[] fresh = new ConfluentAvroSerde<>(registry, io.pumptwin.events.TwinState.class,
        SerdeSettings.autoRegistering()).serializer().serialize(stateTopic, SampleRecords.twinState("NGP100002"));
    assertThat(after).isEqualTo(fresh);
    assertThat(states.deserializer().deserialize(stateTopic, after)).isEqualTo(SampleRecords.twinState("NGP100002"));
  }

  @Test
  void nullStaysATombstone() {
    assertThat(serde.serializer().serialize(topic, null)).isNull();
    assertThat(serde.deserializer().deserialize(topic, null)).isNull();
  }

  @Test
  void wrongMagicByteIsNamed() {
    byte[] json = "{\"pumpSerial\":\"NGP1\"}".getBytes();
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, json))
        .isInstanceOf(WireFormatException.WrongMagicByte.class)
        .hasMessageContaining("found 0x7b");
  }

  @Test
  void unknownSchemaIdIsNamed() {
    byte[] bytes = serde.serializer().serialize(topic, SampleRecords.statusReport("NGP100001", 1));
    ByteBuffer.wrap(bytes).putInt(1, 9999);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, bytes))
        .isInstanceOf(SchemaRegistryException.UnknownSchemaId.class)
        .satisfies(e -> assertThat(((SchemaRegistryException.UnknownSchemaId) e).schemaId()).isEqualTo(9999));
  }

  @Test
  void truncatedAndCorruptBodiesAreNamed() {
    byte[] bytes = serde.serializer().serialize(topic, SampleRecords.statusReport("NGP100001", 1));
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, Arrays.copyOf(bytes, 3)))
        .isInstanceOf(WireFormatException.CorruptPayload.class).hasMessageContaining("5-byte header");
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, Arrays.copyOf(bytes, bytes.length - 7)))
        .isInstanceOf(WireFormatException.CorruptPayload.class);
    byte[] garbage = Arrays.copyOf(bytes, bytes.length);
    for (int i = 5; i < garbage.length; i++) {
      garbage[i] = (byte) 0xff;
    }
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, garbage))
        .isInstanceOf(WireFormatException.CorruptPayload.class);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, new byte[0]))
        .isInstanceOf(WireFormatException.CorruptPayload.class);
  }

  @Test
  void aDeclaredLengthBeyondAvrosLimitIsACorruptPayload() {
    // Found by fuzzing the gateway: Avro throws UnsupportedOperationException for a string longer
    // than its system limit, which escaped the typed errors (a 500 at the gateway).
    byte[] bytes = serde.serializer().serialize(topic, SampleRecords.statusReport("NGP100001", 1));
    byte[] huge = Arrays.copyOf(bytes, bytes.length);
    byte[] length = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    System.arraycopy(length, 0, huge, 5, length.length);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, huge))
        .isInstanceOf(WireFormatException.CorruptPayload.class);
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsRefusedByName() {
    var strict = new ConfluentAvroSerde<>(new InMemorySchemaRegistryClient(), TelemetryEnvelope.class,
        SerdeSettings.preRegistered());
    assertThatThrownBy(() -> strict.serializer().serialize(topic, SampleRecords.statusReport("NGP1", 1)))
        .isInstanceOf(SchemaRegistryException.SchemaNotRegistered.class);
  }

  @Test
  void readsRecordsWrittenByAnOlderSchemaVersion() throws Exception {
    // An older writer that did not yet have the optional receivedTime field.
    Schema current = Topics.TELEMETRY.valueSchema();
    String olderJson = current.toString().replace(
        "{\"name\":\"receivedTime\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],\"doc\":\"When the gateway accepted the event.\",\"default\":null},", "");
    Schema older = new Schema.Parser().parse(olderJson);
    assertThat(older.getField("receivedTime")).isNull();
    int olderId = registry.register(Topics.TELEMETRY.valueSubject(), older);

    TelemetryEnvelope sample = SampleRecords.statusReport("NGP100002", 4);
    GenericRecord generic = new GenericData.Record(older);
    for (Schema.Field f : older.getFields()) {
      generic.put(f.name(), GenericData.get().deepCopy(f.schema(), toGeneric(sample.get(f.name()))));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(olderId).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(older, GenericData.get()).write(generic, enc);
    enc.flush();

    TelemetryEnvelope read = serde.deserializer().deserialize(topic, out.toByteArray());

    assertThat(read.getPumpSerial()).isEqualTo("NGP100002");
    assertThat(read.getReceivedTime()).isNull();
    assertThat(read.getPayload()).isEqualTo(sample.getPayload());
  }

  private static Object toGeneric(Object specific) throws Exception {
    if (specific instanceof org.apache.avro.specific.SpecificRecord r) {
      // Re-encode through binary to obtain a generic view with identical content.
      var w = new org.apache.avro.specific.SpecificDatumWriter<Object>(r.getSchema());
      var out = new ByteArrayOutputStream();
      var enc = EncoderFactory.get().binaryEncoder(out, null);
      w.write(r, enc);
      enc.flush();
      var reader = new org.apache.avro.generic.GenericDatumReader<Object>(r.getSchema());
      return reader.read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
    if (specific instanceof java.time.Instant i) {
      return i.toEpochMilli();
    }
    if (specific instanceof Enum<?> e) {
      return e.name();
    }
    return specific;
  }
}
