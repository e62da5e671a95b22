package io.pumptwin.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.TelemetryEnvelope;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The device-facing JSON form of telemetry, as the telemetry gateway reads it: fields named as in
 * {@code TelemetryEnvelope.avsc}, timestamps as ISO-8601 instants, dates as ISO-8601 dates, enums
 * as symbols, and the payload as an object whose {@code type} names its kind. Written from the
 * schema itself, so a new field needs no code here. Devices and the simulator use it to speak to
 * the gateway; the gateway's reader is the other half (and its tests check the two agree).
 */
public final class TelemetryJsonWriter {
  /** Payload kind per union branch, in the order of the union. */
  public static final Map<String, String> PAYLOAD_TYPE_BY_RECORD = Map.of(
      "StatusReport", "STATUS_REPORT",
      "PumpAlarm", "PUMP_ALARM",
      "RefillRecord", "REFILL",
      "PrescriptionChange", "PRESCRIPTION_CHANGE",
      "SymptomReport", "SYMPTOM_REPORT",
      "CatheterCheck", "CATHETER_CHECK",
      "PumpExplant", "PUMP_EXPLANT",
      "PumpExplantRetraction", "PUMP_EXPLANT_RETRACTION");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final ObjectMapper json = new ObjectMapper();

  /** One event as a JSON object; {@code receivedTime} is the gateway's and is never written. */
  public ObjectNode toJson(TelemetryEnvelope event) {
    ObjectNode node = record(event);
    node.remove("receivedTime");
    return node;
  }

  /** A batch body, {@code {"events": [...]}}, as UTF-8 bytes. */
  public byte[] batch(Collection<TelemetryEnvelope> events) {
    ObjectNode body = NODES.objectNode();
    ArrayNode array = body.putArray("events");
    events.forEach(e -> array.add(toJson(e)));
    return bytes(body);
  }

  public byte[] bytes(JsonNode node) {
    try {
      return json.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private ObjectNode record(IndexedRecord record) {
    ObjectNode node = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (value != null) {
        node.set(field.name(), value(value, field.schema()));
      }
    }
    return node;
  }

  private JsonNode value(Object value, Schema schema) {
    switch (schema.getType()) {
      case UNION -> {
        List<Schema> branches = schema.getTypes().stream()
            .filter(s -> s.getType() != Schema.Type.NULL).toList();
        if (branches.size() == 1) {
          return value(value, branches.get(0));
        }
        IndexedRecord payload = (IndexedRecord) value;
        ObjectNode node = NODES.objectNode();
        node.put("type", PAYLOAD_TYPE_BY_RECORD.get(payload.getSchema().getName()));
        node.setAll(record(payload));
        return node;
      }
      case RECORD -> {
        return record((IndexedRecord) value);
      }
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          array.add(value(item, schema.getElementType()));
        }
        return array;
      }
      case MAP -> {
        ObjectNode node = NODES.objectNode();
        ((Map<?, ?>) value).forEach((k, v) -> node.set(k.toString(), value(v, schema.getValueType())));
        return node;
      }
      case LONG -> {
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          Instant instant = value instanceof Instant i ? i : Instant.ofEpochMilli((Long) value);
          return NODES.textNode(instant.toString());
        }
        return NODES.numberNode(((Number) value).longValue());
      }
      case INT -> {
        if (schema.getLogicalType() instanceof LogicalTypes.Date) {
          LocalDate date = value instanceof LocalDate d ? d : LocalDate.ofEpochDay((Integer) value);
          return NODES.textNode(date.toString());
        }
        return NODES.numberNode(((Number) value).intValue());
      }
      case DOUBLE, FLOAT -> {
        return NODES.numberNode(((Number) value).doubleValue());
      }
      case BOOLEAN -> {
        return NODES.booleanNode((Boolean) value);
      }
      case BYTES -> {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      }
      default -> {
        return NODES.textNode(value.toString()); // STRING, ENUM
      }
    }
  }
}
