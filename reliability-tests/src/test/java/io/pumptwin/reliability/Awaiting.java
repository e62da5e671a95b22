package io.pumptwin.reliability;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling of real brokers and processes on a slow shared machine. */
final class Awaiting {
  private Awaiting() {
  }

  /** Polls every 250 ms until the condition holds; fails with {@code context} after the timeout. */
  static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> context)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what + "\n" + context.get());
      }
      Thread.sleep(250); // polling; the condition, not the sleep, decides
    }
  }

  static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    until(what, timeout, condition, () -> "");
  }
}
