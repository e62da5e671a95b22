package io.pumptwin.gateway.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.validation.Rejection;
import io.pumptwin.gateway.validation.Rejection.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The JSON form of telemetry, driven by the Avro schema itself so the two cannot drift: every field
 * is named as in {@code TelemetryEnvelope.avsc}; timestamps are ISO-8601 instants with an offset
 * ({@code 2026-03-01T08:15:00Z}); enums are their symbols; the payload is an object whose
 * {@code type} names the payload kind:
 *
 * <pre>
 * {"eventId": "0b6c...", "pumpSerial": "NGP123456H", "patientPseudonym": "p-7f3a",
 *  "clinicId": "clinic-17", "eventTime": "2026-03-01T08:15:00Z", "sequence": 42,
 *  "source": "HOME_COMMUNICATOR",
 *  "payload": {"type": "STATUS_REPORT", "pumpComputedReservoirMl": 12.5, ...}}
 * </pre>
 *
 * A field with an Avro default may be left out; {@code receivedTime} is the gateway's to set and is
 * refused if sent. Unknown fields are refused: a misspelt field would otherwise silently become
 * its default, and a device developer would never learn of it.
 */
public final class TelemetryJson {
  /** The discriminator values of {@code payload.type}, in the order of the Avro union. */
  public static final Map<String, String> PAYLOAD_TYPES = Map.of(
      "STATUS_REPORT", "io.pumptwin.events.StatusReport",
      "PUMP_ALARM", "io.pumptwin.events.PumpAlarm",
      "REFILL", "io.pumptwin.events.RefillRecord",
      "PRESCRIPTION_CHANGE", "io.pumptwin.events.PrescriptionChange",
      "SYMPTOM_REPORT", "io.pumptwin.events.SymptomReport",
      "CATHETER_CHECK", "io.pumptwin.events.CatheterCheck",
      "PUMP_EXPLANT", "io.pumptwin.events.PumpExplant",
      "PUMP_EXPLANT_RETRACTION", "io.pumptwin.events.PumpExplantRetraction");

  static final String DISCRIMINATOR = "type";
  private static final String GATEWAY_ONLY_FIELD = "receivedTime";

  private final Schema envelopeSchema = TelemetryEnvelope.getClassSchema();
  private final Map<String, Schema> payloadByType = new LinkedHashMap<>();
  private final ObjectMapper json;
  private final GenericDatumWriter<GenericRecord> genericWriter;
  private final SpecificDatumReader<TelemetryEnvelope> specificReader;

  public TelemetryJson() {
    trustGeneratedPackage();
    // Bodies are capped by the HTTP layer; these caps keep a hostile document from costing more
    // CPU than its size suggests (deep nesting, huge numbers).
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(16).maxNumberLength(64).maxStringLength(64 * 1024).build())
        .build();
    this.json = new ObjectMapper(factory);
    Schema union = envelopeSchema.getField("payload").schema();
    for (Map.Entry<String, String> e : PAYLOAD_TYPES.entrySet()) {
      Schema branch = union.getTypes().stream()
          .filter(s -> s.getFullName().equals(e.getValue())).findFirst()
          .orElseThrow(() -> new IllegalStateException("payload type " + e.getKey()
              + " has no union branch " + e.getValue()));
      payloadByType.put(e.getKey(), branch);
    }
    this.genericWriter = new GenericDatumWriter<>(envelopeSchema);
    this.specificReader = new SpecificDatumReader<>(TelemetryEnvelope.class);
  }

  /** One request body: a single event object, or {@code {"events": [...]}}. */
  public sealed interface Body {
    /** The events found, each with the bytes that represent it (for dead-letter records). */
    record Events(List<RawEvent> events, boolean batch) implements Body {}

    /** The body as a whole is unreadable; nothing in it can be attributed to an event. */
    record Malformed(Rejection rejection) implements Body {}
  }

  /** One event as sent: its JSON tree and its bytes (the element re-serialized for a batch). */
  public record RawEvent(int index, JsonNode node, byte[] raw) {}

  /** The outcome of mapping one event. */
  public sealed interface Mapped {
    record Ok(TelemetryEnvelope event) implements Mapped {}

    record Invalid(List<Rejection> rejections) implements Mapped {}
  }

  public Body parseBody(byte[] body) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.toString();
      return new Body.Malformed(Rejection.of(null, Code.MALFORMED_BODY, "not valid JSON: " + detail));
    }
    if (root == null || !root.isObject()) {
      return new Body.Malformed(Rejection.of(null, Code.MALFORMED_BODY,
          "expected a JSON object (one event, or {\"events\": [...]})"));
    }
    if (root.has("events")) {
      JsonNode events = root.get("events");
      if (root.size() != 1) {
        return new Body.Malformed(Rejection.of(null, Code.MALFORMED_BODY,
            "a batch object has only the field 'events'"));
      }
      if (!events.isArray() || events.isEmpty()) {
        return new Body.Malformed(Rejection.of("events", Code.MALFORMED_BODY,
            "must be a non-empty array of events"));
      }
      List<RawEvent> out = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        JsonNode node = events.get(i);
        out.add(new RawEvent(i, node, bytesOf(node)));
      }
      return new Body.Events(List.copyOf(out), true);
    }
    return new Body.Events(List.of(new RawEvent(0, root, body)), false);
  }

  public Mapped map(JsonNode node) {
    List<Rejection> errors = new ArrayList<>();
    if (!node.isObject()) {
      return new Mapped.Invalid(List.of(Rejection.of(null, Code.WRONG_TYPE, "an event must be a JSON object")));
    }
    if (node.has(GATEWAY_ONLY_FIELD)) {
      errors.add(Rejection.of(GATEWAY_ONLY_FIELD, Code.UNKNOWN_FIELD,
          "is set by the gateway when it accepts the event; do not send it"));
      node = ((ObjectNode) node.deepCopy()).without(GATEWAY_ONLY_FIELD);
    }
    Object generic = convert(node, envelopeSchema, "", errors);
    if (!errors.isEmpty()) {
      return new Mapped.Invalid(List.copyOf(errors));
    }
    try {
      return new Mapped.Ok(toSpecific((GenericRecord) generic));
    } catch (IOException | AvroRuntimeException e) {
      return new Mapped.Invalid(List.of(Rejection.of(null, Code.WRONG_TYPE,
          "does not fit the TelemetryEnvelope schema: " + e.getMessage())));
    }
  }

  private Object convert(JsonNode node, Schema schema, String path, List<Rejection> errors) {
    switch (schema.getType()) {
      case RECORD:
        return record(node, schema, path, errors);
      case UNION:
        return union(node, schema, path, errors);
      case STRING:
        if (!node.isTextual()) {
          return wrongType(path, "a string", node, errors);
        }
        return node.textValue();
      case INT:
        if (schema.getLogicalType() instanceof LogicalTypes.Date) {
          return date(node, path, errors);
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
          return wrongType(path, "an integer", node, errors);
        }
        return node.intValue();
      case LONG:
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          return timestamp(node, path, errors);
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
          return wrongType(path, "an integer", node, errors);
        }
        return node.longValue();
      case DOUBLE:
        if (!node.isNumber()) {
          return wrongType(path, "a number", node, errors);
        }
        return node.doubleValue();
      case BOOLEAN:
        if (!node.isBoolean()) {
          return wrongType(path, "true or false", node, errors);
        }
        return node.booleanValue();
      case ENUM:
        if (!node.isTextual() || !schema.getEnumSymbols().contains(node.textValue())) {
          errors.add(Rejection.of(path, Code.WRONG_TYPE, "must be one of "
              + schema.getEnumSymbols() + ", got " + brief(node)));
          return null;
        }
        return new GenericData.EnumSymbol(schema, node.textValue());
      case ARRAY:
        if (!node.isArray()) {
          return wrongType(path, "an array", node, errors);
        }
        List<Object> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
          items.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]", errors));
        }
        return new GenericData.Array<>(schema, items);
      default:
        errors.add(Rejection.of(path, Code.WRONG_TYPE, "unsupported schema type " + schema.getType()));
        return null;
    }
  }

  private GenericRecord record(JsonNode node, Schema schema, String path, List<Rejection> errors) {
    if (!node.isObject()) {
      wrongType(path, "an object", node, errors);
      return null;
    }
    GenericRecord record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      String fieldPath = join(path, field.name());
      JsonNode value = node.get(field.name());
      if (value == null || value.isNull()) {
        if (field.hasDefaultValue()) {
          record.put(field.pos(), defaultOf(field));
        } else if (value != null && allowsNull(field.schema())) {
          record.put(field.pos(), null);
        } else {
          errors.add(Rejection.of(fieldPath, Code.MISSING_FIELD, "is required"));
        }
        continue;
      }
      record.put(field.pos(), convert(value, field.schema(), fieldPath, errors));
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      boolean discriminator = path.equals("payload") && name.equals(DISCRIMINATOR);
      if (schema.getField(name) == null && !discriminator) {
        errors.add(Rejection.of(join(path, name), Code.UNKNOWN_FIELD,
            "is not a field of " + schema.getName()));
      }
    }
    return record;
  }

  private Object union(JsonNode node, Schema schema, String path, List<Rejection> errors) {
    List<Schema> nonNull = schema.getTypes().stream()
        .filter(s -> s.getType() != Schema.Type.NULL).toList();
    if (nonNull.size() == 1) {
      return convert(node, nonNull.get(0), path, errors);
    }
    // The only multi-branch union is the payload: pick the branch by its discriminator.
    if (!node.isObject()) {
      return wrongType(path, "an object with a 'type'", node, errors);
    }
    JsonNode type = node.get(DISCRIMINATOR);
    if (type == null || !type.isTextual()) {
      errors.add(Rejection.of(join(path, DISCRIMINATOR), Code.MISSING_FIELD,
          "is required, one of " + PAYLOAD_TYPES.keySet().stream().sorted().toList()));
      return null;
    }
    Schema branch = payloadByType.get(type.textValue());
    if (branch == null) {
      errors.add(Rejection.of(join(path, DISCRIMINATOR), Code.WRONG_TYPE,
          "must be one of " + PAYLOAD_TYPES.keySet().stream().sorted().toList() + ", got "
              + brief(type)));
      return null;
    }
    return record(node, branch, path, errors);
  }

  private static Object timestamp(JsonNode node, String path, List<Rejection> errors) {
    if (!node.isTextual()) {
      return wrongType(path, "an ISO-8601 instant such as 2026-03-01T08:15:00Z", node, errors);
    }
    OffsetDateTime parsed;
    try {
      parsed = OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      errors.add(Rejection.of(path, Code.WRONG_TYPE, "must be an ISO-8601 instant with offset,"
          + " such as 2026-03-01T08:15:00Z, got " + brief(node)));
      return null;
    }
    try {
      return parsed.toInstant().toEpochMilli();
    } catch (ArithmeticException e) {
      // ISO-8601 allows years up to +/-999999999; epoch milliseconds end near the year 292278994
      // (found by fuzzing: it was a 500).
      errors.add(Rejection.of(path, Code.OUT_OF_RANGE, "is beyond the range of a timestamp in"
          + " milliseconds since 1970, got " + brief(node)));
      return null;
    }
  }

  private static Object date(JsonNode node, String path, List<Rejection> errors) {
    if (!node.isTextual()) {
      return wrongType(path, "an ISO-8601 date such as 2010-05-01", node, errors);
    }
    try {
      long day = java.time.LocalDate.parse(node.textValue()).toEpochDay();
      if (day != (int) day) {
        // Avro's date is an int of days; a cast would silently wrap to another date.
        errors.add(Rejection.of(path, Code.OUT_OF_RANGE, "is beyond the range of an Avro date, got "
            + brief(node)));
        return null;
      }
      return (int) day;
    } catch (DateTimeParseException e) {
      errors.add(Rejection.of(path, Code.WRONG_TYPE, "must be an ISO-8601 date such as 2010-05-01,"
          + " got " + brief(node)));
      return null;
    }
  }

  private static Object defaultOf(Schema.Field field) {
    Object value = GenericData.get().getDefaultValue(field);
    return value == JsonProperties.NULL_VALUE ? null : value;
  }

  private static boolean allowsNull(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
  }

  private static Object wrongType(String path, String expected, JsonNode node, List<Rejection> errors) {
    errors.add(Rejection.of(path, Code.WRONG_TYPE, "must be " + expected + ", got " + brief(node)));
    return null;
  }

  private static String brief(JsonNode node) {
    String s = node.toString();
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /**
   * Through Avro binary rather than a field-by-field copy: this applies the specific classes'
   * logical-type conversions (timestamps become Instants) and proves the event encodes.
   */
  private TelemetryEnvelope toSpecific(GenericRecord generic) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
    genericWriter.write(generic, encoder);
    encoder.flush();
    return specificReader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  private byte[] bytesOf(JsonNode node) {
    try {
      return json.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }

  /**
   * Avro 1.12 refuses to instantiate generated classes from untrusted packages (ENVIRONMENT.md).
   * The schemas module adds our package when its serdes are built; the mapper can be used before
   * any serde exists (and is, in unit tests), so it makes sure itself, keeping existing trust.
   */
  private static void trustGeneratedPackage() {
    synchronized (ClassSecurityValidator.class) {
      try {
        ClassSecurityValidator.validate(TelemetryEnvelope.class);
      } catch (SecurityException notYetTrusted) {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            c -> c.getPackageName().equals(TelemetryEnvelope.class.getPackageName())));
      }
    }
  }

  /** Time in the JSON form; used by tests and clients to write the same format the mapper reads. */
  public static String formatTime(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }
}
