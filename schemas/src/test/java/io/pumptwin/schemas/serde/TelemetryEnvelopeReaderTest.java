package io.pumptwin.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.CatheterCheckMethod;
import io.pumptwin.events.CatheterCheckResult;
import io.pumptwin.events.CatheterFaultKind;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.SymptomReporter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.fixtures.SampleRecords;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The hand-written envelope reader against Avro's own reader of the same bytes: equal records for every payload
 * kind and every optional field set or not, the same outcome (equal record, or a failure) for thousands of damaged
 * encodings, and a layout pinned to the schema, so a schema edit fails here before it can be read wrongly.
 */
class TelemetryEnvelopeReaderTest {
  static {
    AvroClassTrust.ensure();
  }

  private final Schema schema = TelemetryEnvelope.getClassSchema();
  private final TelemetryEnvelopeReader own = TelemetryEnvelopeReader.forWriter(schema);
  private final SpecificDatumReader<TelemetryEnvelope> avro = new SpecificDatumReader<>(TelemetryEnvelope.class);

  @Test
  void theSchemaIsLaidOutAsTheReaderReadsIt() {
    // Fails when TelemetryEnvelope.avsc changes the envelope's or the status report's fields, their order or their
    // types, or the payload's branches: update TelemetryEnvelopeReader (its read and LAYOUT) with the schema.
    assertThat(TelemetryEnvelopeReader.layout(schema)).isEqualTo(TelemetryEnvelopeReader.LAYOUT);
    assertThat(own).isNotNull();
  }

  @Test
  void readsEveryPayloadKindAsAvroDoes() throws IOException {
    for (TelemetryEnvelope e : samples()) {
      byte[] bytes = encode(e);
      TelemetryEnvelope read = own.read(bytes, 0, bytes.length);
      assertThat(read).isEqualTo(e).isEqualTo(avro.read(null, DecoderFactory.get().binaryDecoder(bytes, null)));
      assertThat(read.getPayload().getClass()).isEqualTo(e.getPayload().getClass());
    }
  }

  @Test
  void damagedBytesGiveAvrosOutcome() throws IOException {
    SplittableRandom random = new SplittableRandom(20261205);
    int failures = 0;
    int cases = 0;
    for (TelemetryEnvelope e : samples()) {
      byte[] good = encode(e);
      for (int k = 0; k < 400; k++) {
        byte[] bad = damaged(good, random);
        Object expected = outcome(bad, true);
        Object actual = outcome(bad, false);
        assertThat(actual).as("case %d of %s: %s", k, e.getPayload().getClass().getSimpleName(),
            Arrays.toString(bad)).isEqualTo(expected);
        failures += expected instanceof String ? 1 : 0;
        cases++;
      }
    }
    // both outcomes occur: the damage reaches fields that still decode and fields that cannot
    assertThat(failures).isBetween(cases / 10, cases - cases / 10);
  }

  @Test
  void aPayloadIndexBeyondTheUnionIsRefused() {
    TelemetryEnvelope e = SampleRecords.statusReport("NGP100001", 1);
    byte[] bytes = encode(e);
    int at = indexOfPayloadIndex(e);
    assertThat(bytes[at]).isZero(); // the status report: branch 0
    bytes[at] = (byte) (2 * 8); // zig-zag 8: one past the eight branches
    assertThatThrownBy(() -> own.read(bytes, 0, bytes.length))
        .isInstanceOf(IOException.class).hasMessageContaining("payload union index 8");
  }

  @Test
  void theDeserializerUsesItForTheEnvelopesOwnSchemaAndAvroForAnOlderOne() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    String subject = Topics.TELEMETRY.valueSubject();
    int current = registry.register(subject, schema);
    Schema older = SchemaBuilder.record("TelemetryEnvelope").namespace("io.pumptwin.events").fields()
        .requiredString("eventId").requiredString("pumpSerial").requiredString("patientPseudonym")
        .requiredString("clinicId").name("eventTime").type(schema.getField("eventTime").schema()).noDefault()
        .requiredLong("sequence").name("source").type(schema.getField("source").schema()).noDefault()
        .name("payload").type(schema.getField("payload").schema()).noDefault().endRecord();
    int old = registry.register("older-" + subject, older);
    var deserializer = new ConfluentAvroDeserializer<>(registry, TelemetryEnvelope.class);

    assertThat(deserializer.readsByHand(current)).isTrue();
    assertThat(deserializer.readsByHand(old)).isFalse();
    TelemetryEnvelope e = SampleRecords.statusReport("NGP100001", 1);
    assertThat(deserializer.deserialize(Topics.TELEMETRY.name(), framed(current, encode(e)))).isEqualTo(e);
    // the older writer's record, resolved: receivedTime takes its default (null)
    var olderRecord = new org.apache.avro.generic.GenericData.Record(older);
    for (Schema.Field f : older.getFields()) {
      olderRecord.put(f.name(), e.get(f.name()));
    }
    TelemetryEnvelope resolved = deserializer.deserialize(Topics.TELEMETRY.name(),
        framed(old, encodeGeneric(older, olderRecord)));
    assertThat(resolved).isEqualTo(e);
    // and bad bytes after the header become the typed error, as with Avro's reader
    byte[] truncated = framed(current, Arrays.copyOf(encode(e), 20));
    assertThatThrownBy(() -> deserializer.deserialize(Topics.TELEMETRY.name(), truncated))
        .isInstanceOf(WireFormatException.CorruptPayload.class);
  }

  @Test
  void bytesAfterTheRecordAreRefusedOnEveryPath() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    int current = registry.register(Topics.TELEMETRY.valueSubject(), schema);
    var deserializer = new ConfluentAvroDeserializer<>(registry, TelemetryEnvelope.class);
    // a status report (read field by field) and a refill (its payload read by Avro's reader for the record)
    for (TelemetryEnvelope e : List.of(SampleRecords.statusReport("NGP100001", 1), SampleRecords.refill("NGP1", 2))) {
      byte[] body = encode(e);
      byte[] longer = Arrays.copyOf(body, body.length + 1);
      assertThatThrownBy(() -> own.read(longer, 0, longer.length))
          .isInstanceOf(ConfluentAvroDeserializer.TrailingBytes.class);
      assertThatThrownBy(() -> deserializer.deserialize(Topics.TELEMETRY.name(), framed(current, longer)))
          .isInstanceOf(WireFormatException.CorruptPayload.class)
          .hasMessageContaining("trailing bytes after the record (schema id " + current + ")");
      // the same bytes within a larger array: the reader keeps to its bounds
      byte[] padded = new byte[body.length + 7];
      System.arraycopy(body, 0, padded, 3, body.length);
      assertThat(uncheckedRead(padded, 3, 3 + body.length)).isEqualTo(e);
    }
  }

  private TelemetryEnvelope uncheckedRead(byte[] data, int offset, int end) {
    try {
      return own.read(data, offset, end);
    } catch (IOException x) {
      throw new AssertionError(x);
    }
  }

  @Test
  void refusesAnotherSchema() {
    Schema other = SchemaBuilder.record("TelemetryEnvelope").namespace("io.pumptwin.events").fields()
        .requiredString("eventId").endRecord();
    assertThat(TelemetryEnvelopeReader.forWriter(other)).isNull();
    assertThat(TelemetryEnvelopeReader.appliesTo(other)).isFalse();
  }

  // ------------------------------------------------------------------ helpers

  /** The decoded record, or the failure's kind, of one reader. */
  private Object outcome(byte[] bytes, boolean byAvro) {
    try {
      if (!byAvro) {
        return own.read(bytes, 0, bytes.length);
      }
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, null);
      TelemetryEnvelope e = avro.read(null, in);
      return in.isEnd() ? e : "trailing bytes";
    } catch (ConfluentAvroDeserializer.TrailingBytes trailing) {
      return "trailing bytes";
    } catch (IOException | RuntimeException failed) {
      return "failed";
    }
  }

  private static byte[] damaged(byte[] good, SplittableRandom random) {
    byte[] bad = good.clone();
    switch (random.nextInt(3)) {
      case 0 -> bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      case 1 -> bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      default -> bad = Arrays.copyOf(bad, random.nextInt(bad.length));
    }
    return bad;
  }

  /** Where the payload's union index sits in {@code e}'s bytes: after the fields before it, encoded alone. */
  private static int indexOfPayloadIndex(TelemetryEnvelope e) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      encoder.writeString(e.getEventId());
      encoder.writeString(e.getPumpSerial());
      encoder.writeString(e.getPatientPseudonym());
      encoder.writeString(e.getClinicId());
      encoder.writeLong(e.getEventTime().toEpochMilli());
      encoder.writeLong(e.getSequence());
      encoder.writeEnum(e.getSource().ordinal());
      encoder.writeIndex(0); // receivedTime: null in the sample
      encoder.flush();
      return out.size();
    } catch (IOException x) {
      throw new AssertionError(x);
    }
  }

  private static List<TelemetryEnvelope> samples() {
    List<TelemetryEnvelope> out = new ArrayList<>();
    TelemetryEnvelope status = SampleRecords.statusReport("NGP100001", 1);
    out.add(status);
    out.add(TelemetryEnvelope.newBuilder(status).setReceivedTime(Instant.parse("2026-11-01T09:00:00.123Z"))
        .setEventId("0f8fad5b-d9cb-469f-a165-70867728950e").setSource(TelemetrySource.SIMULATOR)
        .setPayload(StatusReport.newBuilder((StatusReport) status.getPayload()).setBatteryVoltageV(3.05)
            .setActiveAlarms(List.of(PumpAlarmKind.LOW_RESERVOIR, PumpAlarmKind.MOTOR_STALL))
            .setManufacturedOn(LocalDate.parse("2021-03-04")).setInfusionMode(InfusionMode.values()[1])
            .build())
        .build());
    out.add(TelemetryEnvelope.newBuilder(status).setEventTime(Instant.parse("1969-12-31T23:59:59.999Z"))
        .setSequence(-3).setPatientPseudonym("pat-é✓").build());
    out.add(SampleRecords.refill("NGP100001", 2));
    out.add(SampleRecords.explant("NGP100001", 3));
    out.add(SampleRecords.explantRetraction("NGP100001", 4, "e-3"));
    out.add(TelemetryEnvelope.newBuilder(status).setPayload(PumpAlarm.newBuilder()
        .setKind(PumpAlarmKind.MOTOR_STALL).setCritical(true).setDetail("stalled at 02:14").build()).build());
    out.add(TelemetryEnvelope.newBuilder(status).setPayload(PrescriptionChange.newBuilder()
        .setPreviousDoseMcgPerDay(400).setNewDoseMcgPerDay(450).setConcentrationMcgPerMl(2000)
        .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS).setReason(DoseChangeReason.values()[0]).build()).build());
    out.add(TelemetryEnvelope.newBuilder(status).setPayload(SymptomReport.newBuilder()
        .setSymptoms(List.of(Symptom.values()[0], Symptom.values()[Symptom.values().length - 1]))
        .setSpasticityAshworth(3.0).setReporter(SymptomReporter.values()[0])
        .setOnsetTime(Instant.parse("2026-10-31T22:00:00Z")).build()).build());
    out.add(TelemetryEnvelope.newBuilder(status).setPayload(CatheterCheck.newBuilder()
        .setMethod(CatheterCheckMethod.values()[0]).setResult(CatheterCheckResult.values()[0])
        .setFaultKind(CatheterFaultKind.values()[0]).build()).build());
    return out;
  }

  private static byte[] encode(TelemetryEnvelope e) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      new SpecificDatumWriter<TelemetryEnvelope>(TelemetryEnvelope.getClassSchema(),
          SpecificData.getForClass(TelemetryEnvelope.class)).write(e, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException x) {
      throw new AssertionError(x);
    }
  }

  private static byte[] encodeGeneric(Schema schema, org.apache.avro.generic.GenericRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(schema,
          SpecificData.getForClass(TelemetryEnvelope.class)).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException x) {
      throw new AssertionError(x);
    }
  }

  private static byte[] framed(int schemaId, byte[] avroBytes) {
    return ByteBuffer.allocate(5 + avroBytes.length).put((byte) 0).putInt(schemaId).put(avroBytes).array();
  }
}
