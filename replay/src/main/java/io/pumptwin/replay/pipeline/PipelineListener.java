package io.pumptwin.replay.pipeline;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;

/**
 * Receives what the in-process pipeline publishes, in the order each production partition would
 * have carried it. Every method has a no-op default: a caller listens only to what it needs.
 */
public interface PipelineListener {
  default void onTwinState(int partition, TwinState state) {}

  default void onTwinEvent(int partition, TwinEvent event) {}

  default void onAlert(int partition, AlertEvent alert) {}
}
