package io.pumptwin.gateway.refusal;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond}. Hand-written because
 * nothing in the parent pom's dependencies offers one (Bucket4j or Guava's RateLimiter would be a
 * new dependency for twenty lines), and because this one is driven by a given nano time, so tests
 * move time instead of sleeping.
 */
final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long refilledAt;

  TokenBucket(double perSecond, int burst, long nowNanos) {
    this.capacity = burst;
    this.perNano = perSecond / 1e9;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  synchronized boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Gives back a token taken for a write that was not made after all. */
  synchronized void giveBack() {
    tokens = Math.min(capacity, tokens + 1);
  }

  synchronized boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perNano);
      refilledAt = nowNanos;
    }
  }
}
