package io.pumptwin.gateway.ingest;

import io.pumptwin.gateway.validation.Rejection;
import java.util.List;

/**
 * What became of one event of a request.
 *
 * @param eventId null when the event could not be read far enough to know it
 * @param rejections for REJECTED, every rule it broke
 * @param detail for DUPLICATE, what matched; for NOT_STORED, why
 */
public record EventResult(int index, String eventId, Outcome outcome, List<Rejection> rejections,
    String detail) {

  public EventResult {
    rejections = List.copyOf(rejections);
  }

  public enum Outcome {
    /** On the telemetry topic, acknowledged by all in-sync replicas. */
    ACCEPTED,
    /** Accepted before (same event id, or same pump and sequence); not written again. */
    DUPLICATE,
    /** Refused for a reason in the event itself; the dead-letter record is stored. */
    REJECTED,
    /** Neither stored nor refused: Kafka or the registry failed. The request gets 503. */
    NOT_STORED
  }

  static EventResult accepted(int index, String eventId) {
    return new EventResult(index, eventId, Outcome.ACCEPTED, List.of(), null);
  }

  static EventResult duplicate(int index, String eventId, String detail) {
    return new EventResult(index, eventId, Outcome.DUPLICATE, List.of(), detail);
  }

  static EventResult rejected(int index, String eventId, List<Rejection> rejections) {
    return new EventResult(index, eventId, Outcome.REJECTED, rejections, null);
  }

  static EventResult notStored(int index, String eventId, String detail) {
    return new EventResult(index, eventId, Outcome.NOT_STORED, List.of(), detail);
  }
}
