package io.pumptwin.launcher;

import io.pumptwin.embedded.LocalStack;
import java.util.List;

/**
 * A PumpTwin service that {@code pumptwin local} runs on the embedded stack (gateway, twin engine,
 * alerting, simulator). Services never call each other: they meet only on topics (DESIGN.md), so
 * each needs only the stack's endpoints and topic registry.
 */
public interface LocalService extends AutoCloseable {

  /** Short name for the banner and logs, e.g. {@code telemetry-gateway}. */
  String name();

  /** Starts the service against the running stack; returns once it is serving. */
  void start(LocalStack stack) throws Exception;

  /** What a person can reach, e.g. {@code "http://127.0.0.1:8080 (telemetry ingest)"}. */
  default List<String> endpoints() {
    return List.of();
  }

  /** Stops the service; called once, in the reverse order of start. */
  @Override
  void close() throws Exception;
}
