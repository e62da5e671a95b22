package io.pumptwin.replay.pipeline;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener that keeps everything in memory, for tests and small runs. A fleet-scale replay
 * writes its twin states out as they come instead (they are the bulk of the output).
 */
public final class CollectedOutput implements PipelineListener {
  private final boolean keepStates;
  private final List<TwinState> states = new ArrayList<>();
  private final List<TwinEvent> twinEvents = new ArrayList<>();
  private final List<AlertEvent> alerts = new ArrayList<>();

  public CollectedOutput(boolean keepStates) {
    this.keepStates = keepStates;
  }

  @Override
  public void onTwinState(int partition, TwinState state) {
    if (keepStates) {
      states.add(state);
    }
  }

  @Override
  public void onTwinEvent(int partition, TwinEvent event) {
    twinEvents.add(event);
  }

  @Override
  public void onAlert(int partition, AlertEvent alert) {
    alerts.add(alert);
  }

  public List<TwinState> states() {
    return List.copyOf(states);
  }

  public List<TwinEvent> twinEvents() {
    return List.copyOf(twinEvents);
  }

  public List<AlertEvent> alerts() {
    return List.copyOf(alerts);
  }
}
