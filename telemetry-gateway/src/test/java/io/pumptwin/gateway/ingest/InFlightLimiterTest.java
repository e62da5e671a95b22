package io.pumptwin.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InFlightLimiterTest {
  @Test
  void admitsUpToEitherBoundAndFreesOnRelease() {
    InFlightLimiter limiter = new InFlightLimiter(10, 1000);
    InFlightLimiter.Permit a = limiter.tryAcquire(6, 100);
    assertThat(a).isNotNull();
    assertThat(limiter.tryAcquire(5, 100)).as("events bound").isNull();
    assertThat(limiter.tryAcquire(1, 901)).as("bytes bound").isNull();
    InFlightLimiter.Permit b = limiter.tryAcquire(4, 900);
    assertThat(b).isNotNull();
    a.release();
    a.release(); // a second release must not free capacity twice
    assertThat(limiter.events()).isEqualTo(4);
    assertThat(limiter.bytes()).isEqualTo(900);
    b.release();
    assertThat(limiter.tryAcquire(10, 1000)).isNotNull();
  }
}
