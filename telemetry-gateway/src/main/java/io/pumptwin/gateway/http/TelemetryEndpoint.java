package io.pumptwin.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceAuthenticator;
import io.pumptwin.gateway.device.DeviceAuthenticator.Failure;
import io.pumptwin.gateway.device.DeviceAuthenticator.Verdict;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.gateway.ingest.Candidate;
import io.pumptwin.gateway.ingest.EventResult;
import io.pumptwin.gateway.ingest.EventResult.Outcome;
import io.pumptwin.gateway.ingest.InFlightLimiter;
import io.pumptwin.gateway.ingest.IngestLimits;
import io.pumptwin.gateway.ingest.TelemetryIngest;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.gateway.metrics.GatewayMetrics;
import io.pumptwin.gateway.refusal.DoorRefusal;
import io.pumptwin.gateway.refusal.RefusalDeadLetters;
import io.pumptwin.gateway.validation.Rejection;
import io.pumptwin.gateway.validation.Rejection.Code;
import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.serde.WireFormatException;
import io.pumptwin.schemas.topics.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/telemetry}. The order of the checks is the order of the costs and of the trust:
 * size (413) before reading, signature (401) before parsing, the device's pumps (403) before
 * validation, in-flight capacity (503) before producing. Everything refused after authentication
 * gets a dead-letter record; a 4xx is only sent once that record is stored. Refusals at the door
 * (401, 413) get theirs too, through {@link RefusalDeadLetters}: bounded payload, rate-limited per
 * remote address with summaries, and never waited for, so a flood of forgeries neither fills the
 * topic nor slows the answers.
 */
public final class TelemetryEndpoint implements Handler {
  public static final String PATH = "/v1/telemetry";
  public static final String JSON = "application/json";
  public static final String AVRO = "application/vnd.pumptwin.avro";
  private static final Logger log = LoggerFactory.getLogger(TelemetryEndpoint.class);

  private final DeviceAuthenticator auth;
  private final TelemetryJson mapper;
  private final Topic<TelemetryEnvelope> telemetry;
  private final TelemetryIngest ingest;
  private final InFlightLimiter limiter;
  private final IngestLimits limits;
  private final GatewayMetrics metrics;
  private final RefusalDeadLetters refusals;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public TelemetryEndpoint(DeviceAuthenticator auth, TelemetryJson mapper,
      Topic<TelemetryEnvelope> telemetry, TelemetryIngest ingest, InFlightLimiter limiter,
      IngestLimits limits, GatewayMetrics metrics, RefusalDeadLetters refusals, Clock clock) {
    this.auth = auth;
    this.mapper = mapper;
    this.telemetry = telemetry;
    this.ingest = ingest;
    this.limiter = limiter;
    this.limits = limits;
    this.metrics = metrics;
    this.refusals = refusals;
    this.clock = clock;
  }

  /** What a request decoded to: its events, or a refusal of the body as a whole. */
  private sealed interface Decoding {
    record Events(List<Candidate> candidates, boolean batch) implements Decoding {}

    record Refused(int status, Rejection rejection) implements Decoding {}

    record TooLarge(String detail) implements Decoding {}

    record Unavailable(String detail) implements Decoding {}
  }

  @Override
  public void handle(Context ctx) throws Exception {
    long started = System.nanoTime();
    String format = formatOf(ctx.contentType());
    ctx.future(() -> process(ctx, format).whenComplete((status, error) -> metrics.request(
        error == null ? status : 500, format, Duration.ofNanos(System.nanoTime() - started))));
  }

  private CompletableFuture<Integer> process(Context ctx, String format) {
    Instant now = clock.instant();
    String deviceId = ctx.header(RequestSignature.DEVICE_HEADER);
    String contentType = ctx.contentType();
    long declaredLength = ctx.req().getContentLengthLong();
    Read read;
    try {
      read = readBounded(ctx, declaredLength);
    } catch (IOException e) {
      String detail = "the body could not be read: " + e.getMessage();
      refusals.record(new DoorRefusal(400, "UNREADABLE_BODY", null, detail, ctx.ip(), deviceId,
          contentType, new byte[0], -1, declaredLength, -1, false));
      return done(ctx, Problem.of("unreadable-body", "Body could not be read", 400, e.getMessage()));
    }
    if (read instanceof Read.TooLarge tooLarge) {
      log.info("request refused status=413 reason=BODY_TOO_LARGE limitBytes={} declaredBytes={} device={}",
          limits.maxBodyBytes(), declaredLength, deviceId);
      String detail = "at most " + limits.maxBodyBytes() + " bytes per request; split the batch";
      // Before authentication: who sent it is not known, so it goes through the per-address limit.
      refusals.record(new DoorRefusal(413, "BODY_TOO_LARGE", "Content-Length", detail, ctx.ip(),
          deviceId, contentType, tooLarge.head(), -1, declaredLength, limits.maxBodyBytes(), false));
      return done(ctx, Problem.of("body-too-large", "Body too large", 413, detail));
    }
    byte[] body = ((Read.Body) read).bytes();
    Verdict verdict = auth.authenticate(deviceId, ctx.header(RequestSignature.TIMESTAMP_HEADER),
        ctx.header(RequestSignature.SIGNATURE_HEADER), body, now);
    if (verdict instanceof Verdict.Refused refused) {
      metrics.authRefused(refused.failure().name());
      log.info("request refused status={} reason={} device={}",
          refused.failure() == Failure.REPLAY_CACHE_FULL ? 503 : 401, refused.failure(), deviceId);
      if (refused.failure() == Failure.REPLAY_CACHE_FULL) {
        return unavailable(ctx, refused.detail(), List.of(), false);
      }
      // Dead-lettered without the signature (with a body, a replayable credential for the window)
      // and through the per-address limit: anyone can send these.
      refusals.record(new DoorRefusal(401, refused.failure().name(), headerOf(refused.failure()),
          refused.detail(), ctx.ip(), deviceId, contentType, body, body.length, declaredLength, -1, false));
      ctx.header("WWW-Authenticate", "PumpTwin-HMAC-SHA256");
      return done(ctx, Problem.of("unauthenticated", "Authentication failed", 401, refused.detail()));
    }
    Device device = ((Verdict.Authenticated) verdict).device();

    Decoding decoding = decode(format, body);
    if (decoding instanceof Decoding.TooLarge tooLarge) {
      log.info("request refused status=413 reason=TOO_MANY_EVENTS device={}", device.deviceId());
      refusals.record(new DoorRefusal(413, "TOO_MANY_EVENTS", "events", tooLarge.detail(), ctx.ip(),
          device.deviceId(), contentType, body, body.length, declaredLength, -1, true));
      return done(ctx, Problem.of("too-many-events", "Batch too large", 413, tooLarge.detail()));
    }
    if (decoding instanceof Decoding.Unavailable u) {
      return unavailable(ctx, u.detail(), List.of(), false);
    }
    if (decoding instanceof Decoding.Refused refused) {
      return refuseWhole(ctx, device, refused.status(), refused.rejection(), null, body, contentType, now);
    }
    Decoding.Events events = (Decoding.Events) decoding;

    List<String> foreign = events.candidates().stream().map(Candidate::pumpSerial)
        .filter(p -> p != null && !device.mayReportFor(p)).distinct().toList();
    if (!foreign.isEmpty()) {
      Rejection r = Rejection.of("pumpSerial", Code.PUMP_NOT_ALLOWED, "device " + device.deviceId()
          + " is not provisioned for pump(s) " + foreign);
      return refuseWhole(ctx, device, 403, r, foreign.get(0), body, contentType, now);
    }

    InFlightLimiter.Permit permit = limiter.tryAcquire(events.candidates().size(), body.length);
    if (permit == null) {
      metrics.overloaded();
      log.info("request refused status=503 reason=IN_FLIGHT_LIMIT device={} events={} bytes={}",
          device.deviceId(), events.candidates().size(), body.length);
      return unavailable(ctx, "too much telemetry in flight; retry after the indicated delay",
          List.of(), true);
    }
    return ingest.ingest(device, events.candidates(), contentType)
        .thenApply(results -> respond(ctx, device, results, events.batch()))
        .whenComplete((status, error) -> permit.release());
  }

  private Decoding decode(String format, byte[] body) {
    switch (format) {
      case "json":
        return decodeJson(body);
      case "avro":
        return decodeAvro(body);
      default:
        return new Decoding.Refused(415, Rejection.of(null, Code.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be " + JSON + " or " + AVRO));
    }
  }

  private Decoding decodeJson(byte[] body) {
    TelemetryJson.Body parsed = mapper.parseBody(body);
    if (parsed instanceof TelemetryJson.Body.Malformed m) {
      return new Decoding.Refused(400, m.rejection());
    }
    TelemetryJson.Body.Events events = (TelemetryJson.Body.Events) parsed;
    if (events.events().size() > limits.maxEventsPerRequest()) {
      return new Decoding.TooLarge("at most " + limits.maxEventsPerRequest()
          + " events per request, got " + events.events().size() + "; split the batch");
    }
    List<Candidate> candidates = new ArrayList<>(events.events().size());
    for (TelemetryJson.RawEvent raw : events.events()) {
      TelemetryJson.Mapped mapped = mapper.map(raw.node());
      if (mapped instanceof TelemetryJson.Mapped.Ok ok) {
        candidates.add(new Candidate.Decoded(raw.index(), ok.event(), raw.raw()));
      } else {
        JsonNode pump = raw.node().path("pumpSerial");
        candidates.add(new Candidate.Undecodable(raw.index(), raw.raw(),
            ((TelemetryJson.Mapped.Invalid) mapped).rejections(),
            pump.isTextual() ? pump.textValue() : null));
      }
    }
    return new Decoding.Events(candidates, events.batch());
  }

  private Decoding decodeAvro(byte[] body) {
    try {
      TelemetryEnvelope event = telemetry.valueSerde().deserializer().deserialize(telemetry.name(), body);
      return new Decoding.Events(List.of(new Candidate.Decoded(0, event, body)), false);
    } catch (WireFormatException e) {
      return new Decoding.Refused(400, Rejection.of(null, Code.UNDECODABLE, e.getMessage()));
    } catch (SchemaRegistryException.UnknownSchemaId e) {
      return new Decoding.Refused(400, Rejection.of(null, Code.UNKNOWN_SCHEMA_ID, e.getMessage()));
    } catch (SchemaRegistryException e) {
      return new Decoding.Unavailable("schema registry: " + e.getMessage());
    } catch (RuntimeException e) {
      // Whatever else decoding throws is about these bytes (fuzzing found a declared string length
      // beyond Avro's limit escaping as a 500): refused, dead-lettered, explained.
      return new Decoding.Refused(400, Rejection.of(null, Code.UNDECODABLE,
          "not a TelemetryEnvelope in the Confluent wire format: " + e));
    }
  }

  /** A refusal of the whole body: dead-letter it, then answer the 4xx (or 503 if that failed). */
  private CompletableFuture<Integer> refuseWhole(Context ctx, Device device, int status,
      Rejection rejection, String pumpSerial, byte[] body, String contentType, Instant now) {
    log.info("request refused status={} device={} code={} reason=\"{}\"", status, device.deviceId(),
        rejection.code(), rejection.describe());
    return ingest.deadLetter(rejection, rejection.describe(), pumpSerial, body, contentType, now)
        .handle((ok, error) -> {
          if (error != null) {
            return unavailableNow(ctx, "the refusal could not be recorded: " + error.getMessage(), List.of(), false);
          }
          metrics.event("rejected", rejection.code().name());
          Problem problem = status == 403
              ? new Problem("pump-not-allowed", "Device may not report for this pump", 403,
                  rejection.describe(), List.of(rejection))
              : status == 415
                  ? new Problem("unsupported-media-type", "Unsupported content type", 415,
                      rejection.describe(), List.of(rejection))
                  : Problem.invalid(List.of(rejection));
          return write(ctx, problem.status(), Problem.MEDIA_TYPE, problem.toJson(json));
        });
  }

  private int respond(Context ctx, Device device, List<EventResult> results, boolean batch) {
    long accepted = count(results, Outcome.ACCEPTED);
    long duplicates = count(results, Outcome.DUPLICATE);
    long rejected = count(results, Outcome.REJECTED);
    long notStored = count(results, Outcome.NOT_STORED);
    // Clean requests are the steady state (thousands a second): debug. Anything refused or not
    // stored is worth a line at info.
    String why = results.stream().filter(r -> r.outcome() == Outcome.NOT_STORED)
        .map(EventResult::detail).findFirst().orElse("");
    if (rejected + notStored + duplicates > 0 || log.isDebugEnabled()) {
      log.info("request done device={} events={} accepted={} duplicates={} rejected={} notStored={}{}",
          device.deviceId(), results.size(), accepted, duplicates, rejected, notStored,
          notStored > 0 ? " error=\"" + why + "\"" : "");
    }
    if (notStored > 0) {
      // Never 202 for an event that is not stored; the client retries the whole request and the
      // events stored this time come back DUPLICATE.
      return unavailableNow(ctx, notStored + " of " + results.size()
          + " events could not be stored: " + why, results, false);
    }
    if (rejected == results.size()) {
      List<Rejection> all = results.stream().flatMap(r -> r.rejections().stream()).toList();
      if (!batch) {
        return write(ctx, 400, Problem.MEDIA_TYPE, Problem.invalid(all).toJson(json));
      }
      Problem p = new Problem("invalid-telemetry", "Every event of the batch was refused", 400,
          all.get(0).describe(), all);
      ObjectNode node = p.toJson(json);
      node.set("results", resultsJson(results));
      return write(ctx, 400, Problem.MEDIA_TYPE, node);
    }
    ObjectNode node = json.createObjectNode();
    node.put("accepted", accepted);
    node.put("duplicates", duplicates);
    node.put("rejected", rejected);
    node.set("results", resultsJson(results));
    return write(ctx, 202, JSON, node);
  }

  private ArrayNode resultsJson(List<EventResult> results) {
    ArrayNode list = json.createArrayNode();
    for (EventResult r : results) {
      ObjectNode n = list.addObject();
      n.put("index", r.index());
      if (r.eventId() != null) {
        n.put("eventId", r.eventId());
      }
      n.put("outcome", r.outcome().name());
      if (r.outcome() == Outcome.REJECTED) {
        n.set("problem", Problem.invalid(r.rejections()).toJson(json));
      } else if (r.detail() != null) {
        n.put("detail", r.detail());
      }
    }
    return list;
  }

  private CompletableFuture<Integer> unavailable(Context ctx, String detail, List<EventResult> results,
      boolean overload) {
    return CompletableFuture.completedFuture(unavailableNow(ctx, detail, results, overload));
  }

  private int unavailableNow(Context ctx, String detail, List<EventResult> results, boolean overload) {
    ctx.header("Retry-After", Long.toString(limits.retryAfterSeconds()));
    Problem p = Problem.of(overload ? "overloaded" : "unavailable",
        overload ? "Too much in flight" : "Telemetry could not be stored", 503, detail);
    ObjectNode node = p.toJson(json);
    if (!results.isEmpty()) {
      node.set("results", resultsJson(results));
    }
    return write(ctx, 503, Problem.MEDIA_TYPE, node);
  }

  private CompletableFuture<Integer> done(Context ctx, Problem p) {
    return CompletableFuture.completedFuture(write(ctx, p.status(), Problem.MEDIA_TYPE, p.toJson(json)));
  }

  private int write(Context ctx, int status, String contentType, JsonNode body) {
    try {
      ctx.status(status).contentType(contentType).result(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
    return status;
  }

  /** A request body as read: whole, or too large (then not read beyond the limit). */
  private sealed interface Read {
    record Body(byte[] bytes) implements Read {}

    /** {@code head}: what was read before the limit was known to be passed (none if declared). */
    record TooLarge(byte[] head) implements Read {}
  }

  private Read readBounded(Context ctx, long declared) throws IOException {
    if (declared > limits.maxBodyBytes()) {
      return new Read.TooLarge(new byte[0]);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(limits.maxBodyBytes() + 1);
      return body.length > limits.maxBodyBytes() ? new Read.TooLarge(body) : new Read.Body(body);
    }
  }

  /** The header a device must fix, as the dead letter's field. */
  private static String headerOf(Failure failure) {
    return switch (failure) {
      case BAD_TIMESTAMP -> RequestSignature.TIMESTAMP_HEADER;
      case UNKNOWN_DEVICE -> RequestSignature.DEVICE_HEADER;
      case BAD_SIGNATURE, REPLAYED -> RequestSignature.SIGNATURE_HEADER;
      case MISSING_CREDENTIALS, REPLAY_CACHE_FULL -> null;
    };
  }

  static String formatOf(String contentType) {
    if (contentType == null) {
      return "other";
    }
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (base) {
      case JSON -> "json";
      case AVRO -> "avro";
      default -> "other";
    };
  }

  private static long count(List<EventResult> results, Outcome outcome) {
    return results.stream().filter(r -> r.outcome() == outcome).count();
  }

  static String joined(List<Rejection> rejections) {
    return rejections.stream().map(Rejection::describe).collect(Collectors.joining("; "));
  }
}
