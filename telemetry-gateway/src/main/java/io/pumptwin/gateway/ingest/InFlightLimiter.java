package io.pumptwin.gateway.ingest;

/**
 * A two-dimensional semaphore over events and bytes being stored. Non-blocking: a request that
 * does not fit is answered 503 at once instead of queueing, so memory and latency stay bounded and
 * the device's own retry (with Retry-After) is the queue.
 */
public final class InFlightLimiter {
  private final int maxEvents;
  private final long maxBytes;
  private int events;
  private long bytes;

  public InFlightLimiter(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  /** A taken share; release it exactly once. */
  public final class Permit {
    private final int permitEvents;
    private final long permitBytes;
    private boolean released;

    private Permit(int permitEvents, long permitBytes) {
      this.permitEvents = permitEvents;
      this.permitBytes = permitBytes;
    }

    public void release() {
      synchronized (InFlightLimiter.this) {
        if (!released) {
          released = true;
          events -= permitEvents;
          bytes -= permitBytes;
        }
      }
    }
  }

  /** A permit, or null when taking it would exceed either bound. */
  public synchronized Permit tryAcquire(int requestEvents, long requestBytes) {
    if (events + requestEvents > maxEvents || bytes + requestBytes > maxBytes) {
      return null;
    }
    events += requestEvents;
    bytes += requestBytes;
    return new Permit(requestEvents, requestBytes);
  }

  public synchronized int events() {
    return events;
  }

  public synchronized long bytes() {
    return bytes;
  }
}
