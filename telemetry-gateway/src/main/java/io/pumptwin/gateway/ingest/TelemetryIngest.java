package io.pumptwin.gateway.ingest;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.metrics.GatewayMetrics;
import io.pumptwin.gateway.sequence.PumpSequenceMemory;
import io.pumptwin.gateway.sequence.PumpSequenceMemory.Claim;
import io.pumptwin.gateway.sequence.PumpSequenceMemory.SequenceOrder;
import io.pumptwin.gateway.validation.Rejection;
import io.pumptwin.gateway.validation.TelemetryValidator;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the decoded events of one authenticated request to a definite outcome each: stored on the
 * telemetry topic, recognised as already stored, or refused with a dead-letter record. The returned
 * future completes once every one of those writes is acknowledged, or has failed; a failure is an
 * event NOT_STORED, never an event reported as stored.
 */
public final class TelemetryIngest {
  public static final String STAGE = "telemetry-gateway";
  private static final Logger log = LoggerFactory.getLogger(TelemetryIngest.class);

  private final TelemetryValidator validator;
  private final PumpSequenceMemory memory;
  private final TelemetryPublisher publisher;
  private final GatewayMetrics metrics;
  private final Clock clock;

  public TelemetryIngest(TelemetryValidator validator, PumpSequenceMemory memory,
      TelemetryPublisher publisher, GatewayMetrics metrics, Clock clock) {
    this.validator = validator;
    this.memory = memory;
    this.publisher = publisher;
    this.metrics = metrics;
    this.clock = clock;
  }

  public CompletableFuture<List<EventResult>> ingest(Device device, List<Candidate> candidates,
      String contentType) {
    Instant now = clock.instant();
    RequestState state = new RequestState();
    List<CompletableFuture<EventResult>> results = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      results.add(one(device, c, contentType, now, state));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
  }

  /**
   * When the broker is away without metadata, {@code send()} blocks for max.block.ms and fails. One
   * such failure is enough to know the request gets 503: the remaining events are not sent, so a
   * 500-event batch fails in max.block.ms, not 500 times that.
   */
  private static final class RequestState {
    volatile String producerDown;
  }

  private CompletableFuture<EventResult> one(Device device, Candidate candidate, String contentType,
      Instant now, RequestState state) {
    if (state.producerDown != null) {
      return CompletableFuture.completedFuture(EventResult.notStored(candidate.index(),
          candidate instanceof Candidate.Decoded d ? d.event().getEventId() : null,
          "not sent: " + state.producerDown));
    }
    if (candidate instanceof Candidate.Undecodable u) {
      return failFast(state, reject(device, u.index(), null, u.pumpSerial(), u.rejections(), u.raw(), contentType, now));
    }
    Candidate.Decoded d = (Candidate.Decoded) candidate;
    TelemetryEnvelope event = d.event();
    List<Rejection> rejections = validator.validate(event, now);
    if (!rejections.isEmpty()) {
      return failFast(state, reject(device, d.index(), event.getEventId(), event.getPumpSerial(),
          rejections, d.raw(), contentType, now));
    }
    Claim claim = memory.claim(event.getPumpSerial(), event.getSequence(), event.getEventId());
    if (claim instanceof Claim.Duplicate dup) {
      return CompletableFuture.completedFuture(duplicate(device, d, dup.by().name()));
    }
    if (claim instanceof Claim.InFlight inFlight) {
      return inFlight.otherAttempt().thenApply(stored -> stored
          ? duplicate(device, d, "IN_FLIGHT")
          : EventResult.notStored(d.index(), event.getEventId(),
              "a concurrent attempt to store the same event failed"));
    }
    Claim.Fresh fresh = (Claim.Fresh) claim;
    TelemetryEnvelope stamped = TelemetryEnvelope.newBuilder(event).setReceivedTime(now).build();
    return failFast(state, publisher.publish(stamped).handle((metadata, error) -> {
      if (error != null) {
        fresh.reservation().failed();
        String why = rootCause(error);
        log.debug("event not stored device={} pump={} eventId={} sequence={} error={}",
            device.deviceId(), event.getPumpSerial(), event.getEventId(), event.getSequence(), why);
        metrics.event("not_stored", "KAFKA_OR_REGISTRY");
        return EventResult.notStored(d.index(), event.getEventId(), why);
      }
      fresh.reservation().stored();
      // Counted once stored: an attempt that failed leaves no gap behind it.
      recordOrder(device, event, fresh.order());
      metrics.event("accepted", "none");
      return EventResult.accepted(d.index(), event.getEventId());
    }));
  }

  private static CompletableFuture<EventResult> failFast(RequestState state,
      CompletableFuture<EventResult> result) {
    EventResult now = result.getNow(null);
    if (now != null && now.outcome() == EventResult.Outcome.NOT_STORED) {
      state.producerDown = now.detail();
    }
    return result;
  }

  private EventResult duplicate(Device device, Candidate.Decoded d, String by) {
    TelemetryEnvelope e = d.event();
    log.debug("event duplicate device={} pump={} eventId={} sequence={} matchedBy={}",
        device.deviceId(), e.getPumpSerial(), e.getEventId(), e.getSequence(), by);
    metrics.event("duplicate", by);
    return EventResult.duplicate(d.index(), e.getEventId(), "already accepted (matched by " + by + ")");
  }

  private void recordOrder(Device device, TelemetryEnvelope event, SequenceOrder order) {
    if (order instanceof SequenceOrder.Gap gap) {
      metrics.sequenceGap(gap.missing());
      log.info("sequence gap device={} pump={} expected={} received={} missing={}",
          device.deviceId(), event.getPumpSerial(), gap.expected(), gap.received(), gap.missing());
    } else if (order instanceof SequenceOrder.Late late) {
      metrics.sequenceLate();
      log.info("sequence late device={} pump={} sequence={} highestSeen={}",
          device.deviceId(), event.getPumpSerial(), event.getSequence(), late.highestSeen());
    }
  }

  private CompletableFuture<EventResult> reject(Device device, int index, String eventId,
      String pumpSerial, List<Rejection> rejections, byte[] raw, String contentType, Instant now) {
    Rejection first = rejections.get(0);
    String reasons = rejections.stream().map(Rejection::describe).collect(Collectors.joining("; "));
    log.info("event rejected device={} pump={} eventId={} code={} field={} reasons=\"{}\"",
        device.deviceId(), pumpSerial, eventId, first.code(), first.field(), reasons);
    return deadLetter(first, reasons, pumpSerial, raw, contentType, now).handle((ok, error) -> {
      if (error != null) {
        metrics.event("not_stored", "DEAD_LETTER_FAILED");
        return EventResult.notStored(index, eventId,
            "refused, but its dead-letter record could not be stored: " + rootCause(error));
      }
      metrics.event("rejected", first.code().name());
      return EventResult.rejected(index, eventId, rejections);
    });
  }

  /**
   * Stores a refusal on the dead-letter topic. The future fails if the record was not stored, so
   * the caller answers 503 (retry) rather than 4xx: a refusal without its trace would be a loss.
   */
  public CompletableFuture<Void> deadLetter(Rejection first, String reasons, String pumpSerial,
      byte[] raw, String contentType, Instant now) {
    DeadLetter record = DeadLetter.newBuilder()
        .setDeadLetterId(UUID.randomUUID().toString())
        .setStage(STAGE)
        .setReasonCode(first.code().name())
        .setReason(reasons)
        .setField(first.field())
        .setPumpSerial(pumpSerial)
        .setRawValue(ByteBuffer.wrap(raw))
        .setContentType(contentType)
        .setOccurredAt(now)
        .build();
    return publisher.deadLetter(record).thenAccept(metadata -> metrics.deadLetter(first.code().name()));
  }

  static String rootCause(Throwable error) {
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
