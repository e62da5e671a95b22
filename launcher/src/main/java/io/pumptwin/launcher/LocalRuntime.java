package io.pumptwin.launcher;

import io.pumptwin.embedded.LocalStack;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack and the services started on it. Closing stops the services in reverse order, then the
 * stack, so no service outlives the broker it writes to.
 */
public final class LocalRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);

  private final LocalStack stack;
  private final Deque<LocalService> started = new ArrayDeque<>();
  private boolean closed;

  private LocalRuntime(LocalStack stack) {
    this.stack = stack;
  }

  /** Starts the stack, then each service in order; on any failure stops what already started. */
  public static LocalRuntime start(LocalSettings settings, List<LocalService> services) throws Exception {
    LocalRuntime runtime = new LocalRuntime(LocalStack.start(settings.stack()));
    for (LocalService service : services) {
      try {
        service.start(runtime.stack);
      } catch (Exception e) {
        log.error("event=service.start.failed service={} error={}", service.name(), e.toString());
        runtime.close();
        throw e;
      }
      runtime.started.push(service);
      log.info("event=service.started service={}", service.name());
    }
    return runtime;
  }

  public LocalStack stack() {
    return stack;
  }

  /** Running services in start order. */
  public synchronized List<LocalService> services() {
    List<LocalService> inStartOrder = new ArrayList<>(started);
    Collections.reverse(inStartOrder);
    return inStartOrder;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!started.isEmpty()) {
      LocalService service = started.pop();
      try {
        service.close();
        log.info("event=service.stopped service={}", service.name());
      } catch (Exception e) {
        log.warn("event=service.stop.failed service={} error={}", service.name(), e.toString());
      }
    }
    stack.close();
  }
}
