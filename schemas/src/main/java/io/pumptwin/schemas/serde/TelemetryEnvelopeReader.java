package io.pumptwin.schemas.serde;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads a TelemetryEnvelope written with the envelope's own schema (the writer's schema equal to the generated
 * class's: every record the gateway writes) straight from the record's bytes, field by field, the status report too;
 * the rarer payloads (refills, alarms, symptoms, clinic records) are read by Avro's own reader for their record.
 *
 * <p>Written by hand (issue 5): the twin engine decodes every telemetry record, and Avro's fast reader took 7% of its
 * stream thread, about 0.6 us per status report (async-profiler, 2026-12-05). Avro's generated custom coders would be
 * the library's way, but Avro's compiler leaves them out of a record with a union of records (the envelope's
 * payload), and its reader uses them only through a ResolvingDecoder, slower than the fast reader (bench
 * TelemetryDecodeCost); its BinaryDecoder copies each string into a Utf8 before making the String, where this makes
 * the String from the record's bytes. A writer schema other than the class's (an older or newer version) goes
 * through Avro's resolving reader as before ({@link ConfluentAvroDeserializer}).
 *
 * <p>The layout read here is pinned by {@link #LAYOUT}: {@link #forWriter} compares the schema's layout with it, the
 * deserializer uses this reader only when they agree, and TelemetryEnvelopeReaderTest fails as soon as the schema's
 * layout changes, so a schema edit cannot be read with an outdated layout. Bad bytes fail where Avro's reader fails
 * (the same test compares the two on thousands of damaged records), with an exception the deserializer turns into
 * {@link WireFormatException.CorruptPayload}.
 */
final class TelemetryEnvelopeReader implements ConfluentAvroDeserializer.Body<TelemetryEnvelope> {

  /**
   * The layout this reader decodes: the envelope's fields in order, the status report's (the union's first branch)
   * in order; the other branches by name only, as Avro's reader reads them.
   */
  static final String LAYOUT = "eventId:string,pumpSerial:string,patientPseudonym:string,clinicId:string,"
      + "eventTime:long/timestamp-millis,sequence:long,source:enum(io.pumptwin.events.TelemetrySource),"
      + "receivedTime:[null|long/timestamp-millis],"
      + "payload:[{io.pumptwin.events.StatusReport pumpComputedReservoirMl:double,reservoirCapacityMl:int,"
      + "lowReservoirAlarmMl:double,concentrationMcgPerMl:double,doseMcgPerDay:double,"
      + "infusionMode:enum(io.pumptwin.events.InfusionMode),batteryRemainingPercent:double,"
      + "batteryVoltageV:[null|double],activeAlarms:array(enum(io.pumptwin.events.PumpAlarmKind)),"
      + "manufacturedOn:[null|int/date]}|io.pumptwin.events.PumpAlarm|io.pumptwin.events.RefillRecord"
      + "|io.pumptwin.events.PrescriptionChange|io.pumptwin.events.SymptomReport|io.pumptwin.events.CatheterCheck"
      + "|io.pumptwin.events.PumpExplant|io.pumptwin.events.PumpExplantRetraction]";

  private static final TelemetrySource[] SOURCES = TelemetrySource.values();
  private static final InfusionMode[] MODES = InfusionMode.values();
  private static final PumpAlarmKind[] ALARMS = PumpAlarmKind.values();

  /** Avro's reader for each payload branch after the first, by union index (index 0 unused). */
  private final List<DatumReader<Object>> branches = new ArrayList<>();

  private TelemetryEnvelopeReader(Schema envelope) {
    List<Schema> payload = envelope.getField("payload").schema().getTypes();
    branches.add(null);
    for (Schema branch : payload.subList(1, payload.size())) {
      branches.add(new SpecificDatumReader<>(branch, branch, SpecificData.getForSchema(branch)));
    }
  }

  /** The reader for {@code writer}, when records written with it are laid out as this reader reads; else null. */
  static TelemetryEnvelopeReader forWriter(Schema writer) {
    return writer.equals(TelemetryEnvelope.getClassSchema()) && appliesTo(writer)
        ? new TelemetryEnvelopeReader(writer) : null;
  }

  /** Whether {@code schema} lays a record out as {@link #LAYOUT} says. */
  static boolean appliesTo(Schema schema) {
    return LAYOUT.equals(layout(schema));
  }

  /** The layout of an envelope schema, written as {@link #LAYOUT} is. */
  static String layout(Schema envelope) {
    return fields(envelope, true);
  }

  private static String fields(Schema record, boolean expandFirstBranch) {
    return record.getFields().stream()
        .map(f -> f.name() + ":" + type(f.schema(), expandFirstBranch && f.name().equals("payload")))
        .collect(Collectors.joining(","));
  }

  private static String type(Schema s, boolean expandFirstBranch) {
    LogicalType logical = s.getLogicalType();
    String suffix = logical == null ? "" : "/" + logical.getName();
    return switch (s.getType()) {
      case UNION -> {
        List<String> branches = new ArrayList<>();
        for (int i = 0; i < s.getTypes().size(); i++) {
          Schema b = s.getTypes().get(i);
          boolean expand = expandFirstBranch && i == 0 && b.getType() == Schema.Type.RECORD;
          branches.add(b.getType() != Schema.Type.RECORD ? type(b, false)
              : expand ? "{" + b.getFullName() + " " + fields(b, false) + "}" : b.getFullName());
        }
        yield "[" + String.join("|", branches) + "]";
      }
      case ENUM -> "enum(" + s.getFullName() + ")";
      case ARRAY -> "array(" + type(s.getElementType(), false) + ")";
      case RECORD -> s.getFullName();
      default -> s.getType().getName() + suffix;
    };
  }

  /** Reads the envelope in {@code data[offset, end)}, all of it. */
  @Override
  public TelemetryEnvelope read(byte[] data, int offset, int end) throws IOException {
    In in = new In(data, offset, end);
    String eventId = in.string();
    String pumpSerial = in.string();
    String patientPseudonym = in.string();
    String clinicId = in.string();
    Instant eventTime = Instant.ofEpochMilli(in.varLong());
    long sequence = in.varLong();
    TelemetrySource source = SOURCES[in.varInt()];
    Instant receivedTime = in.isNull() ? null : Instant.ofEpochMilli(in.varLong());
    int branch = in.varInt();
    Object payload;
    if (branch == 0) {
      payload = statusReport(in);
      if (in.pos != end) {
        throw new ConfluentAvroDeserializer.TrailingBytes();
      }
    } else if (branch > 0 && branch < branches.size()) {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, in.pos, end - in.pos, null);
      payload = branches.get(branch).read(null, decoder);
      if (!decoder.isEnd()) {
        throw new ConfluentAvroDeserializer.TrailingBytes();
      }
    } else {
      throw new IOException("payload union index " + branch + " of " + branches.size() + " branches");
    }
    return new TelemetryEnvelope(eventId, pumpSerial, patientPseudonym, clinicId, eventTime, sequence, source,
        receivedTime, payload);
  }

  private static StatusReport statusReport(In in) throws IOException {
    double computed = in.doubleValue();
    int capacity = in.varInt();
    double alarmVolume = in.doubleValue();
    double concentration = in.doubleValue();
    double dose = in.doubleValue();
    InfusionMode mode = MODES[in.varInt()];
    double battery = in.doubleValue();
    Double voltage = in.isNull() ? null : in.doubleValue();
    // no capacity from the declared count: each item takes at least a byte, so the input bounds the list
    List<PumpAlarmKind> alarms = new ArrayList<>(2);
    for (long n = in.blockCount(); n != 0; n = in.blockCount()) {
      for (long i = 0; i < n; i++) {
        alarms.add(ALARMS[in.varInt()]);
      }
    }
    LocalDate manufacturedOn = in.isNull() ? null : LocalDate.ofEpochDay(in.varInt());
    return new StatusReport(computed, capacity, alarmVolume, concentration, dose, mode, battery, voltage, alarms,
        manufacturedOn);
  }

  /**
   * Avro's binary encoding read from an array, as Avro's BinaryDecoder reads it (zig-zag varints of at most 5 and 10
   * bytes, little-endian doubles, length-prefixed UTF-8): the decoder copies each string's bytes into a Utf8 before
   * making the String, and this makes the String from the record's bytes.
   */
  private static final class In {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private final byte[] data;
    private final int end;
    private int pos;

    In(byte[] data, int offset, int end) {
      this.data = data;
      this.pos = offset;
      this.end = end;
    }

    private int next() throws EOFException {
      if (pos >= end) {
        throw new EOFException();
      }
      return data[pos++] & 0xff;
    }

    int varInt() throws IOException {
      int n = (int) varint(28, "Invalid int encoding"); // bits past 32 dropped, as Avro drops them
      return (n >>> 1) ^ -(n & 1);
    }

    long varLong() throws IOException {
      long n = varint(63, "Invalid long encoding");
      return (n >>> 1) ^ -(n & 1);
    }

    /** A varint's bits before zig-zag decoding, of at most one byte at shift {@code lastShift} and below. */
    private long varint(int lastShift, String invalid) throws IOException {
      int b = next();
      long n = b & 0x7f;
      for (int shift = 7; b > 0x7f; shift += 7) {
        if (shift > lastShift) {
          throw new IOException(invalid);
        }
        b = next();
        n |= (long) (b & 0x7f) << shift;
      }
      return n;
    }

    double doubleValue() throws EOFException {
      if (end - pos < Double.BYTES) {
        pos = end;
        throw new EOFException();
      }
      double d = Double.longBitsToDouble((long) LONG_LE.get(data, pos));
      pos += Double.BYTES;
      return d;
    }

    String string() throws IOException {
      int length = varInt();
      if (length < 0) {
        throw new IOException("Malformed data. Length is negative: " + length);
      }
      if (length > end - pos) {
        throw new EOFException();
      }
      String s = new String(data, pos, length, StandardCharsets.UTF_8);
      pos += length;
      return s;
    }

    /** The branch of a {@code [null, T]} union: true for null. */
    boolean isNull() throws IOException {
      int index = varInt();
      if (index != 0 && index != 1) {
        throw new IOException("union index " + index + " of a [null, value] union");
      }
      return index == 0;
    }

    /** The item count of an array's next block (0: the array ends); a negative count is followed by its size. */
    long blockCount() throws IOException {
      long count = varLong();
      if (count < 0) {
        varLong();
        count = -count;
      }
      return count;
    }
  }
}
