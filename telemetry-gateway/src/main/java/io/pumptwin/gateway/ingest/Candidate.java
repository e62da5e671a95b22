package io.pumptwin.gateway.ingest;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.validation.Rejection;
import java.util.List;

/** One event of a request after decoding, before validation. */
public sealed interface Candidate {
  int index();

  byte[] raw();

  /** The pump the event names, where it could be read; null otherwise. */
  String pumpSerial();

  record Decoded(int index, TelemetryEnvelope event, byte[] raw) implements Candidate {
    @Override
    public String pumpSerial() {
      return event.getPumpSerial();
    }
  }

  record Undecodable(int index, byte[] raw, List<Rejection> rejections, String pumpSerial)
      implements Candidate {
    public Undecodable {
      rejections = List.copyOf(rejections);
      if (rejections.isEmpty()) {
        throw new IllegalArgumentException("an undecodable event has at least one rejection");
      }
    }
  }
}
