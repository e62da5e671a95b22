package io.pumptwin.replay.run;

import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each pump's model as the replay reads it: the telemetry contract tells the models apart by their reservoir
 * (20 or 40 mL, {@code reservoirCapacityMl} of a status report), so a pump's model is known from its first status
 * report on. Learned by the thread that reads the input, asked by the threads that write the outputs.
 */
public final class PumpModels {
  private final Map<String, Integer> capacityMl = new ConcurrentHashMap<>();

  /** Notes the pump's reservoir size when the record is a status report. */
  public void learn(TelemetryEnvelope e) {
    if (e.getPayload() instanceof StatusReport s) {
      capacityMl.put(e.getPumpSerial(), s.getReservoirCapacityMl());
    }
  }

  /** The pump's reservoir size in mL, or null before its first status report. */
  public Integer capacityMlOf(String pumpSerial) {
    return capacityMl.get(pumpSerial);
  }
}
