package io.pumptwin.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.gateway.TelemetryFixtures;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile telemetry for the property-based half of the fuzzing: well-formed events
 * with one field replaced by a wrong type or an extreme value, random JSON documents, random bytes.
 * Used by the jqwik properties (in-process, with shrinking) and by the fuzz run against the real
 * gateway over HTTP (seeded, so a failing run can be reproduced).
 */
public final class TelemetryArbitraries {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TelemetryArbitraries() {}

  /** The six payload kinds in their well-formed fixture form. */
  public static List<Function<Instant, ObjectNode>> payloads() {
    return List.of(
        t -> TelemetryFixtures.statusPayload(),
        t -> TelemetryFixtures.alarmPayload(),
        t -> TelemetryFixtures.refillPayload(),
        t -> TelemetryFixtures.prescriptionPayload(),
        t -> TelemetryFixtures.symptomPayload(t.minusSeconds(3600)),
        t -> TelemetryFixtures.catheterPayload());
  }

  /** A well-formed event of any payload kind, for a pump and sequence the caller chooses. */
  public static Arbitrary<ObjectNode> validEvent(String pump, long sequence, Instant now) {
    return Combinators.combine(Arbitraries.integers().between(0, payloads().size() - 1),
            Arbitraries.longs().between(1, 3 * 24 * 3600))
        .as((kind, ageSeconds) -> {
          Instant eventTime = now.minusSeconds(ageSeconds);
          return TelemetryFixtures.envelope(pump, sequence, eventTime,
              payloads().get(kind).apply(eventTime));
        });
  }

  /** A well-formed event with one field (top level or payload) replaced by a hostile value. */
  public static Arbitrary<ObjectNode> eventWithOneHostileField(String pump, long sequence, Instant now) {
    return Combinators.combine(validEvent(pump, sequence, now), Arbitraries.integers().between(0, 1000),
            hostileValue())
        .as((event, pick, value) -> {
          List<String> paths = leafPaths(event);
          String path = paths.get(pick % paths.size());
          set(event, path, value);
          return event;
        });
  }

  /** A numeric field of a well-formed event set to an extreme or negative number. */
  public static Arbitrary<ObjectNode> eventWithExtremeNumber(String pump, long sequence, Instant now) {
    return Combinators.combine(validEvent(pump, sequence, now), Arbitraries.integers().between(0, 1000),
            extremeNumber())
        .as((event, pick, value) -> {
          List<String> paths = leafPaths(event).stream()
              .filter(p -> get(event, p).isNumber()).toList();
          if (!paths.isEmpty()) {
            set(event, paths.get(pick % paths.size()), value);
          }
          return event;
        });
  }

  /** A well-formed event with an extra field, a removed field, or a field set to null. */
  public static Arbitrary<ObjectNode> eventWithShapeChange(String pump, long sequence, Instant now) {
    return Combinators.combine(validEvent(pump, sequence, now), Arbitraries.integers().between(0, 1000),
            Arbitraries.of("remove", "null", "extra", "receivedTime", "payloadType"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(12).alpha())
        .as((event, pick, change, name) -> {
          List<String> paths = leafPaths(event);
          String path = paths.get(pick % paths.size());
          switch (change) {
            case "remove" -> parentOf(event, path).remove(lastOf(path));
            case "null" -> parentOf(event, path).putNull(lastOf(path));
            case "extra" -> parentOf(event, path).put(name, "x");
            case "receivedTime" -> event.put("receivedTime", TelemetryFixtures.envelope("X", 0,
                now, NODES.objectNode()).get("eventTime").asText());
            default -> ((ObjectNode) event.get("payload")).put("type", name.toUpperCase());
          }
          return event;
        });
  }

  /** Wrong JSON types, extreme numbers, odd strings and dates: what a broken device may send. */
  public static Arbitrary<JsonNode> hostileValue() {
    return Arbitraries.oneOf(
        extremeNumber(),
        Arbitraries.strings().ofMaxLength(80).map(NODES::textNode),
        Arbitraries.strings().all().ofMaxLength(20).map(NODES::textNode),
        Arbitraries.of("", " ", "Jane Doe", "NaN", "Infinity", "-0", "1e309", "null", "true",
            "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "2026-13-45T25:61:61Z",
            "1970-01-01T00:00:00Z", "2026-03-01T08:15:00", "2026-03-01", "9999-12-31",
            "-999999999-01-01", "+999999999-12-31", "00000000-0000-0000-0000-000000000000",
            "0b6c7a2e-5b7e-4d8c-9a55-0f6a1c1f2e3d", "\u0000", "\uD800", "../../etc/passwd",
            "SIMPLE_CONTINUOUS", "STATUS_REPORT", "{}", "[]").map(s -> (JsonNode) NODES.textNode(s)),
        Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode(),
            NODES.arrayNode(), NODES.objectNode(), NODES.arrayNode().add(1).add("a"),
            NODES.objectNode().put("type", "STATUS_REPORT")));
  }

  /** Numbers at and beyond every edge a Java or Avro number type has, negative and positive. */
  public static Arbitrary<JsonNode> extremeNumber() {
    return Arbitraries.oneOf(
        Arbitraries.of(0L, -1L, 1L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE + 1,
            Long.MAX_VALUE, Long.MIN_VALUE).map(n -> (JsonNode) NODES.numberNode(n)),
        Arbitraries.of(-0.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1e-300, -1e-300,
            0.1, 20.000001, 40.0000001, -40.0, 1e15, 2000.0, 2000.5).map(d -> (JsonNode) NODES.numberNode(d)),
        Arbitraries.longs().map(n -> (JsonNode) NODES.numberNode(n)),
        Arbitraries.doubles().map(d -> (JsonNode) NODES.numberNode(d)),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(19).negate(), BigInteger.TEN.pow(40))
            .map(n -> (JsonNode) NODES.numberNode(n)),
        Arbitraries.of("1e309", "-1e309", "1e-400", "123456789012345678901234567890.5")
            .map(s -> (JsonNode) NODES.numberNode(new BigDecimal(s))));
  }

  /** Any JSON document: objects, arrays and scalars nested up to four levels. */
  public static Arbitrary<JsonNode> randomJson() {
    return Arbitraries.recursive(TelemetryArbitraries::hostileValue,
        inner -> Arbitraries.oneOf(
            inner,
            Arbitraries.maps(Arbitraries.of("eventId", "pumpSerial", "payload", "events", "type",
                    "sequence", "x"), inner).ofMaxSize(4).map(TelemetryArbitraries::objectOf),
            inner.list().ofMaxSize(4).map(TelemetryArbitraries::arrayOf)),
        0, 4);
  }

  /** Any bytes, biased toward JSON-looking text. */
  public static Arbitrary<byte[]> randomBody() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+truefalsn \\u").ofMaxLength(200)
            .map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        randomJson().map(TelemetryArbitraries::bytes));
  }

  /**
   * JSON text with every non-ASCII character escaped ({@code \\uD800} stays a lone surrogate in
   * the text, as a broken device could write it), so what the generator meant reaches the parser.
   */
  public static byte[] bytes(JsonNode node) {
    try {
      return ESCAPING.writeValueAsString(node).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes to a String", e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectWriter ESCAPING =
      new com.fasterxml.jackson.databind.ObjectMapper().writer()
          .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII);

  private static JsonNode objectOf(Map<String, JsonNode> fields) {
    ObjectNode o = NODES.objectNode();
    fields.forEach(o::set);
    return o;
  }

  private static JsonNode arrayOf(List<JsonNode> items) {
    ArrayNode a = NODES.arrayNode();
    items.forEach(a::add);
    return a;
  }

  /** Dotted paths of every scalar or array field of an event, payload included. */
  static List<String> leafPaths(ObjectNode event) {
    List<String> out = new ArrayList<>();
    collect(event, "", out);
    return out;
  }

  private static void collect(JsonNode node, String prefix, List<String> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String path = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
      if (f.getValue().isObject()) {
        collect(f.getValue(), path, out);
      }
      out.add(path);
    }
  }

  static JsonNode get(ObjectNode event, String path) {
    return parentOf(event, path).get(lastOf(path));
  }

  static void set(ObjectNode event, String path, JsonNode value) {
    parentOf(event, path).set(lastOf(path), value);
  }

  private static ObjectNode parentOf(ObjectNode event, String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? event : (ObjectNode) event.at("/" + path.substring(0, dot).replace('.', '/'));
  }

  private static String lastOf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
