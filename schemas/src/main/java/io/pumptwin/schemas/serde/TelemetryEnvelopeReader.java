package io.pumptwin.schemas.serde;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads a TelemetryEnvelope written with the envelope's own schema (the writer's schema equal to the generated
 * class's: every record the gateway writes), field by field from the decoder, the status report too; the rarer
 * payloads (refills, alarms, symptoms, clinic records) are read by Avro's own reader for their record.
 *
 * <p>Written by hand (issue 5): the twin engine decodes every telemetry record, and Avro's fast reader took 7% of its
 * stream thread, about 0.6 us per status report, where this takes about half (bench TelemetryDecodeCost). Avro's
 * generated custom coders would be the library's way, but Avro's compiler leaves them out of a record with a union of
 * records (the envelope's payload), and its reader uses them only through a ResolvingDecoder, which is slower than
 * the fast reader (0.6 against 0.25 us, same bench). A writer schema other than the class's (an older or newer
 * version) goes through Avro's resolving reader as before ({@link ConfluentAvroDeserializer}).
 *
 * <p>The layout read here is pinned by {@link #LAYOUT}: {@link #appliesTo} compares the schema's layout with it, the
 * deserializer uses this reader only when they agree, and TelemetryEnvelopeReaderTest fails as soon as the schema's
 * layout changes, so a schema edit cannot be read with an outdated layout. Bad bytes fail as with Avro's reader
 * (an exception the deserializer turns into {@link WireFormatException.CorruptPayload}).
 */
final class TelemetryEnvelopeReader implements DatumReader<TelemetryEnvelope> {

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

  @Override
  public void setSchema(Schema schema) {
    if (!TelemetryEnvelope.getClassSchema().equals(schema)) {
      throw new IllegalArgumentException("reads only the envelope's own schema");
    }
  }

  @Override
  public TelemetryEnvelope read(TelemetryEnvelope reuse, Decoder in) throws IOException {
    String eventId = in.readString();
    String pumpSerial = in.readString();
    String patientPseudonym = in.readString();
    String clinicId = in.readString();
    Instant eventTime = Instant.ofEpochMilli(in.readLong());
    long sequence = in.readLong();
    TelemetrySource source = SOURCES[in.readEnum()];
    Instant receivedTime = nullOr(in) ? null : Instant.ofEpochMilli(in.readLong());
    int branch = in.readIndex();
    Object payload;
    if (branch == 0) {
      payload = statusReport(in);
    } else if (branch > 0 && branch < branches.size()) {
      payload = branches.get(branch).read(null, in);
    } else {
      throw new IOException("payload union index " + branch + " of " + branches.size() + " branches");
    }
    return new TelemetryEnvelope(eventId, pumpSerial, patientPseudonym, clinicId, eventTime, sequence, source,
        receivedTime, payload);
  }

  private static StatusReport statusReport(Decoder in) throws IOException {
    double computed = in.readDouble();
    int capacity = in.readInt();
    double alarmVolume = in.readDouble();
    double concentration = in.readDouble();
    double dose = in.readDouble();
    InfusionMode mode = MODES[in.readEnum()];
    double battery = in.readDouble();
    Double voltage = nullOr(in) ? null : in.readDouble();
    // no capacity from the declared count: each item takes at least a byte, so the input bounds the list
    List<PumpAlarmKind> alarms = new ArrayList<>(2);
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        alarms.add(ALARMS[in.readEnum()]);
      }
    }
    LocalDate manufacturedOn = nullOr(in) ? null : LocalDate.ofEpochDay(in.readInt());
    return new StatusReport(computed, capacity, alarmVolume, concentration, dose, mode, battery, voltage, alarms,
        manufacturedOn);
  }

  /** Reads the branch of a {@code [null, T]} union: true for null. */
  private static boolean nullOr(Decoder in) throws IOException {
    int index = in.readIndex();
    if (index != 0 && index != 1) {
      throw new IOException("union index " + index + " of a [null, value] union");
    }
    return index == 0;
  }
}
