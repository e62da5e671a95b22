package io.pumptwin.schemas.serde;

import java.io.IOException;
import java.time.Instant;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A SpecificDatumWriter that writes a timestamp-millis {@link Instant} as the long its conversion gives, without the
 * conversion's lookup by class and logical type and the boxing of the long. Our events carry a few dozen timestamps
 * each, and Avro's path for them (TimeConversions.TimestampMillisConversion.toLong through Conversions.convertToRawType)
 * was the largest single item of writing a twin state, then of writing a twin event (async-profiler, throughput
 * benchmark, issue 5). Since our record template generates custom coders for records with timestamps too
 * (src/main/avro-templates/record.vm), Avro hands those records to their generated coders and this writer's shortcut
 * serves the rest: the telemetry envelope's own fields, whose payload union Avro's coders cannot write. The bytes are
 * exactly those of a plain SpecificDatumWriter (tests compare).
 *
 * <p>Every other datum, and an Instant under any other logical type, goes through Avro as usual.
 */
public class InstantWritingDatumWriter<V> extends SpecificDatumWriter<V> {

  /** For a generated class, by class: Avro looks a class up by schema name only once the package trust is in place. */
  public InstantWritingDatumWriter(Class<V> type) {
    super(type);
  }

  /** For {@code schema}, in {@code model} (its conversions, whether records are written by their generated coders). */
  public InstantWritingDatumWriter(Schema schema, SpecificData model) {
    super(schema, model);
  }

  /** An Instant written where the schema says timestamp-millis: a union's branch, an array's or a map's item. */
  @Override
  protected void write(Schema schema, Object datum, Encoder out) throws IOException {
    if (datum instanceof Instant instant && schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
      out.writeLong(instant.toEpochMilli());
      return;
    }
    super.write(schema, datum, out);
  }

  /**
   * A record's own timestamp-millis field (not in a union): SpecificDatumWriter converts it through the record's
   * conversion into a boxed Long before writing it.
   */
  @Override
  protected void writeField(Object datum, Schema.Field f, Encoder out, Object state) throws IOException {
    if (datum instanceof SpecificRecordBase record
        && f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis
        && record.get(f.pos()) instanceof Instant instant) {
      out.writeLong(instant.toEpochMilli());
      return;
    }
    super.writeField(datum, f, out, state);
  }
}
