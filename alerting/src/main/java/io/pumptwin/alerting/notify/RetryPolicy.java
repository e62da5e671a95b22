package io.pumptwin.alerting.notify;

import java.time.Duration;

/**
 * How often a failed delivery is tried again: exponential backoff, then dead-lettered.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff wait after the first failure; each further wait is {@code multiplier} times longer
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (initialBackoff.isNegative() || multiplier < 1) {
      throw new IllegalArgumentException("backoff must be >= 0 and multiplier >= 1");
    }
  }

  /** 5 attempts over about 15 s: long enough to ride out a receiver restart. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30));
  }

  /** Wait before attempt {@code attempt + 1} after attempt {@code attempt} (from 1) failed. */
  public Duration backoffAfter(int attempt) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, attempt - 1);
    return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
  }
}
