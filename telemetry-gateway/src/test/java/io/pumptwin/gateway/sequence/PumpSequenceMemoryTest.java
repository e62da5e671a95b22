package io.pumptwin.gateway.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.gateway.sequence.PumpSequenceMemory.Claim;
import io.pumptwin.gateway.sequence.PumpSequenceMemory.DuplicateBy;
import io.pumptwin.gateway.sequence.PumpSequenceMemory.SequenceOrder;
import org.junit.jupiter.api.Test;

class PumpSequenceMemoryTest {
  private final PumpSequenceMemory memory = new PumpSequenceMemory(new SequenceSettings(3, 4, 2));

  @Test
  void anEventStoredOnceIsADuplicateByIdAndBySequence() {
    store("P1", 1, "e1");
    assertThat(memory.claim("P1", 1, "e1")).isEqualTo(new Claim.Duplicate(DuplicateBy.EVENT_ID));
    assertThat(memory.claim("P1", 1, "e1-regenerated")).isEqualTo(new Claim.Duplicate(DuplicateBy.SEQUENCE));
    assertThat(memory.claim("P2", 1, "e2")).isInstanceOf(Claim.Fresh.class);
  }

  @Test
  void aFailedAttemptIsForgottenSoTheRetryIsProducedForReal() {
    ((Claim.Fresh) memory.claim("P1", 1, "e1")).reservation().failed();
    assertThat(memory.claim("P1", 1, "e1")).isInstanceOf(Claim.Fresh.class);
  }

  @Test
  void aRetryRacingItsOriginalWaitsForTheOriginalsOutcome() {
    Claim.Fresh first = (Claim.Fresh) memory.claim("P1", 7, "e7");
    Claim second = memory.claim("P1", 7, "e7");
    assertThat(second).isInstanceOf(Claim.InFlight.class);
    assertThat(((Claim.InFlight) second).otherAttempt()).isNotDone();
    first.reservation().stored();
    assertThat(((Claim.InFlight) second).otherAttempt()).isCompletedWithValue(true);

    Claim.Fresh third = (Claim.Fresh) memory.claim("P1", 8, "e8");
    Claim.InFlight fourth = (Claim.InFlight) memory.claim("P1", 8, "e8");
    third.reservation().failed();
    assertThat(fourth.otherAttempt()).isCompletedWithValue(false);
  }

  @Test
  void recordsGapsAndLateArrivals() {
    assertThat(order("P1", 10, "a")).isEqualTo(new SequenceOrder.Next());
    assertThat(order("P1", 11, "b")).isEqualTo(new SequenceOrder.Next());
    SequenceOrder gap = order("P1", 15, "c");
    assertThat(gap).isEqualTo(new SequenceOrder.Gap(12, 15));
    assertThat(((SequenceOrder.Gap) gap).missing()).isEqualTo(3);
    assertThat(order("P1", 13, "d")).isEqualTo(new SequenceOrder.Late(15));
  }

  @Test
  void eventsOfOneBatchBeingStoredTogetherAreInOrderAndAFailedOneIsNotLateOnRetry() {
    Claim.Fresh one = (Claim.Fresh) memory.claim("P1", 1, "a");
    Claim.Fresh two = (Claim.Fresh) memory.claim("P1", 2, "b");
    assertThat(two.order()).isEqualTo(new SequenceOrder.Next());
    one.reservation().stored();
    two.reservation().failed();
    assertThat(order("P1", 2, "b")).isEqualTo(new SequenceOrder.Next());
  }

  @Test
  void aRetriedBacklogIsRecognisedInFullAlthoughIdsAreRememberedOnlyForTheLastFew() {
    for (long s = 1; s <= 500; s++) {
      store("P1", s, "e" + s);
    }
    for (long s = 1; s <= 500; s++) {
      assertThat(memory.claim("P1", s, "e" + s)).as("sequence " + s).isInstanceOf(Claim.Duplicate.class);
    }
    assertThat(memory.claim("P1", 501, "e501")).isInstanceOf(Claim.Fresh.class);
  }

  @Test
  void forgetsTheOldestRunsAndTheLeastRecentPumpsToStayBounded() {
    store("P1", 1, "a");
    store("P1", 10, "b");
    store("P1", 20, "c"); // third run; the memory keeps two
    assertThat(memory.claim("P1", 1, "a-again")).as("oldest run forgotten").isInstanceOf(Claim.Fresh.class);

    store("P2", 1, "x");
    store("P3", 1, "y");
    store("P4", 1, "z"); // fourth pump; the memory keeps three
    assertThat(memory.pumpCount()).isEqualTo(3);
  }

  private void store(String pump, long seq, String id) {
    ((Claim.Fresh) memory.claim(pump, seq, id)).reservation().stored();
  }

  private SequenceOrder order(String pump, long seq, String id) {
    Claim.Fresh fresh = (Claim.Fresh) memory.claim(pump, seq, id);
    fresh.reservation().stored();
    return fresh.order();
  }
}
