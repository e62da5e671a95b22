package io.pumptwin.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.fixtures.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class InstantWritingDatumWriterTest {

  /** Every record type of the product, with timestamps as a record's own fields, in unions and in arrays. */
  private static List<SpecificRecord> samples() {
    return List.of(SampleRecords.statusReport("NGP100001", 1), SampleRecords.refill("NGP100001", 2),
        SampleRecords.explant("NGP100001", 3), SampleRecords.explantRetraction("NGP100001", 4, "e-3"),
        SampleRecords.twinState("NGP100001"), SampleRecords.modelParameterSet(),
        SampleRecords.twinEvent("NGP100001"),
        SampleRecords.alertEvent("NGP100001"), SampleRecords.alertCommand("NGP100001"),
        SampleRecords.notification("NGP100001"), SampleRecords.deadLetter("NGP100001"),
        SampleRecords.groundTruth("NGP100001"));
  }

  @Test
  void writesTheBytesAPlainSpecificDatumWriterWrites() throws Exception {
    for (SpecificRecord record : samples()) {
      assertThat(encode(new InstantWritingDatumWriter<>(type(record)), record))
          .as(record.getSchema().getName())
          .isEqualTo(encode(new SpecificDatumWriter<>(type(record)), record));
    }
  }

  @Test
  void writesTimestampsBeforeTheEpochAndAtTheMillisecondsEdgesAlike() throws Exception {
    for (Instant t : List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"),
        Instant.parse("2026-11-24T10:15:30.123Z"), Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      TwinState state = TwinState.newBuilder(SampleRecords.twinState("NGP100001")).setAsOf(t).build();
      assertThat(encode(new InstantWritingDatumWriter<>(TwinState.class), state)).as(t.toString())
          .isEqualTo(encode(new SpecificDatumWriter<>(TwinState.class), state));
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<SpecificRecord> type(SpecificRecord record) {
    return (Class<SpecificRecord>) record.getClass();
  }

  private static <T extends SpecificRecord> byte[] encode(SpecificDatumWriter<T> writer, T record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
