package io.pumptwin.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.fixtures.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/**
 * The custom coders our record template generates (schemas/src/main/avro-templates/record.vm: Avro's own, extended to
 * records with timestamp-millis and date fields) against Avro's reference path, the generic writer and reader with
 * custom coders off: the same bytes for every record type of every topic, and back to equal records.
 */
class GeneratedCodersTest {
  static {
    AvroClassTrust.ensure(); // the reader below makes our generated classes by name
  }

  /** Avro's generic path: conversions for the logical types, no custom coders, no fast reader. */
  private static SpecificData reference() {
    SpecificData model = new SpecificData();
    model.setCustomCoders(false);
    model.setFastReaderEnabled(false);
    model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.DateConversion());
    return model;
  }

  /** The generated coders alone: custom coders on, the fast reader (which does not use them) off. */
  private static SpecificData generated() {
    SpecificData model = new SpecificData();
    model.setCustomCoders(true);
    model.setFastReaderEnabled(false);
    return model;
  }

  private static List<SpecificRecord> samples() {
    TwinState state = SampleRecords.twinState("NGP100001");
    return List.of(SampleRecords.statusReport("NGP100001", 1), SampleRecords.refill("NGP100001", 2),
        SampleRecords.explant("NGP100001", 3), SampleRecords.explantRetraction("NGP100001", 4, "e-3"),
        state, TwinState.newBuilder(state).setAsOf(Instant.parse("1969-12-31T23:59:59.999Z")).build(),
        SampleRecords.modelParameterSet(), SampleRecords.twinEvent("NGP100001"),
        SampleRecords.alertEvent("NGP100001"), SampleRecords.alertCommand("NGP100001"),
        SampleRecords.notification("NGP100001"), SampleRecords.deadLetter("NGP100001"),
        SampleRecords.groundTruth("NGP100001"));
  }

  @Test
  void everyRecordWithTimestampsHasGeneratedCoders() {
    for (SpecificRecord r : samples()) {
      if (!r.getSchema().getName().equals("TelemetryEnvelope")) { // its payload is a 12-branch union: Avro's rule
        assertThat(hasCustomCoders(r)).as(r.getSchema().getName()).isTrue();
      }
    }
    assertThat(hasCustomCoders(SampleRecords.twinState("NGP100001"))).isTrue();
  }

  @Test
  void theGeneratedCodersWriteAvrosBytesAndReadThemBack() throws Exception {
    for (SpecificRecord r : samples()) {
      byte[] expected = encode(reference(), r);
      assertThat(encode(generated(), r)).as(r.getSchema().getName()).isEqualTo(expected);
      assertThat(decode(generated(), r, expected)).as(r.getSchema().getName()).isEqualTo(r);
      assertThat(decode(reference(), r, expected)).as(r.getSchema().getName()).isEqualTo(r);
    }
  }

  /**
   * The product's serializer writes through the generated coders (Avro leaves them off by default: until 2026-12-05
   * it took the generic path for every record) and so writes Avro's bytes after its 5-byte header.
   */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void theSerializerWritesThroughTheGeneratedCoders() throws Exception {
    var registry = new io.pumptwin.schemas.registry.InMemorySchemaRegistryClient();
    for (SpecificRecord r : samples()) {
      var serializer = new ConfluentAvroSerializer(registry, r.getClass(), SerdeSettings.autoRegistering(), false);
      assertThat(serializer.writesWithGeneratedCoders()).as(r.getSchema().getName()).isTrue();
      byte[] written = serializer.serialize("coders." + r.getSchema().getName(), r);
      assertThat(java.util.Arrays.copyOfRange(written, 5, written.length)).as(r.getSchema().getName())
          .isEqualTo(encode(reference(), r));
    }
  }

  @Test
  void aDateIsWrittenAsItsEpochDay() throws Exception {
    var status = SampleRecords.statusReport("NGP100001", 1);
    var report = (io.pumptwin.events.StatusReport) status.getPayload();
    for (LocalDate d : List.of(LocalDate.of(2011, 7, 31), LocalDate.of(1969, 12, 31), LocalDate.of(2040, 2, 29))) {
      report.put("manufacturedOn", d);
      assertThat(encode(generated(), status)).as(d.toString()).isEqualTo(encode(reference(), status));
      assertThat(decode(generated(), status, encode(reference(), status))).isEqualTo(status);
    }
  }

  private static boolean hasCustomCoders(SpecificRecord r) {
    try {
      var m = SpecificRecordBase.class.getDeclaredMethod("hasCustomCoders");
      m.setAccessible(true);
      return (boolean) m.invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] encode(SpecificData model, SpecificRecord r) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(r.getSchema(), model).write(r, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static SpecificRecord decode(SpecificData model, SpecificRecord like, byte[] bytes) throws Exception {
    return new SpecificDatumReader<SpecificRecord>(like.getSchema(), like.getSchema(), model)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
