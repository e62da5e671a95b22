package io.pumptwin.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The gateway's meters. Tags are a small fixed vocabulary (status code, format, outcome, reason
 * code, topic, exception class): never a pump serial, patient or device id (STYLE.md, Micrometer's
 * conventions). Per-pump facts live in the twin and in the logs.
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** One HTTP request on the ingestion endpoint: count and latency by status and body format. */
  public void request(int status, String format, Duration elapsed) {
    Timer.builder("gateway.requests")
        .description("Telemetry requests by HTTP status and body format, with latency")
        .tag("status", Integer.toString(status)).tag("format", format)
        .publishPercentileHistogram()
        .register(registry).record(elapsed);
  }

  /** One event's outcome: accepted, duplicate or rejected, with the reason code. */
  public void event(String outcome, String reason) {
    Counter.builder("gateway.events").description("Telemetry events by outcome and reason")
        .tag("outcome", outcome).tag("reason", reason).register(registry).increment();
  }

  public void deadLetter(String reasonCode) {
    Counter.builder("gateway.dead.letters").description("Dead-letter records written by reason")
        .tag("reason", reasonCode).register(registry).increment();
  }

  public void produceError(String topic, Throwable error) {
    Counter.builder("gateway.produce.errors").description("Failed sends to Kafka by topic and error")
        .tag("topic", topic).tag("error", error.getClass().getSimpleName())
        .register(registry).increment();
  }

  public void produced(Duration elapsed) {
    Timer.builder("gateway.produce.latency").description("Send to acknowledgement (acks=all)")
        .publishPercentileHistogram().register(registry).record(elapsed);
  }

  public void authRefused(String failure) {
    Counter.builder("gateway.auth.refusals").description("Refused requests by authentication failure")
        .tag("reason", failure).register(registry).increment();
  }

  /**
   * A dead letter of a refusal at the door (401, 413): {@code kind} individual (one refusal) or
   * summary (many counted ones), {@code outcome} written or failed.
   */
  public void refusalDeadLetter(String kind, String outcome) {
    Counter.builder("gateway.refusal.dead.letters")
        .description("Dead letters of 401/413 refusals by kind (individual, summary) and outcome")
        .tag("kind", kind).tag("outcome", outcome).register(registry).increment();
  }

  /** A refusal at the door counted for its address's summary instead of written alone. */
  public void refusalSuppressed(String reasonCode) {
    Counter.builder("gateway.refusals.suppressed")
        .description("401/413 refusals beyond the per-address dead-letter rate, counted for a summary")
        .tag("reason", reasonCode).register(registry).increment();
  }

  public void overloaded() {
    Counter.builder("gateway.overload.refusals").description("Requests refused with 503 for in-flight limits")
        .register(registry).increment();
  }

  /** A sequence gap: {@code missing} sequence numbers never arrived before this event. */
  public void sequenceGap(long missing) {
    Counter.builder("gateway.sequence.gaps").description("Events that arrived after a sequence gap")
        .register(registry).increment();
    Counter.builder("gateway.sequence.missing").description("Sequence numbers skipped in gaps")
        .register(registry).increment(missing);
  }

  public void sequenceLate() {
    Counter.builder("gateway.sequence.late").description("Events below the highest sequence seen, not seen before")
        .register(registry).increment();
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
  }
}
