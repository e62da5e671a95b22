package io.pumptwin.gateway.sequence;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What the gateway remembers about the events it has already accepted, per pump, so that a client
 * retrying a request does not put the same event on the topic twice.
 *
 * <p>Why this exists next to Kafka's idempotent producer: the idempotent producer (producer id plus
 * per-partition sequence numbers, checked by the broker) removes duplicates that the producer itself
 * creates when it retries one send after a lost acknowledgement. It knows nothing of a device that
 * times out waiting for our HTTP answer and sends the same request again: to the producer that is a
 * new record. Only the application can see that it is the same event, by its event id or by the
 * pump's own sequence number, and that is what this memory does.
 *
 * <p>The memory is bounded (pumps, ids and sequence runs per pump) and lives in one gateway
 * instance: it catches the retries that matter (seconds to minutes later, usually to the same
 * instance). Consumers still apply an event id once (TelemetryEnvelope.eventId), which covers what a
 * bounded memory cannot: retries after a restart, or routed to another instance.
 *
 * <p>An event is remembered only once Kafka has acknowledged it ({@link Reservation#stored()}): a
 * request that failed must be retried for real, not answered "duplicate".
 */
public final class PumpSequenceMemory {
  private final SequenceSettings settings;
  private final LinkedHashMap<String, PumpHistory> pumps;

  public PumpSequenceMemory(SequenceSettings settings) {
    this.settings = settings;
    this.pumps = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PumpHistory> eldest) {
        return size() > settings.maxPumps();
      }
    };
  }

  /** What to do with an event about to be produced. */
  public sealed interface Claim {
    /** Not seen before: produce it, then report {@link Reservation#stored()} or {@code failed()}. */
    record Fresh(Reservation reservation, SequenceOrder order) implements Claim {}

    /** Already accepted: answer DUPLICATE, do not produce again. */
    record Duplicate(DuplicateBy by) implements Claim {}

    /**
     * The same event is being produced by another request right now (a client retry racing its
     * original). The future completes with true once the other attempt is stored, false if it failed.
     */
    record InFlight(CompletableFuture<Boolean> otherAttempt) implements Claim {}
  }

  public enum DuplicateBy { EVENT_ID, SEQUENCE }

  /** How a fresh event's sequence number relates to the highest one seen for its pump. */
  public sealed interface SequenceOrder {
    record Next() implements SequenceOrder {}

    /** Numbers between the highest seen and this one never arrived (yet). */
    record Gap(long expected, long received) implements SequenceOrder {
      public long missing() {
        return received - expected;
      }
    }

    /** Lower than the highest seen and not seen before: a late upload filling an earlier gap. */
    record Late(long highestSeen) implements SequenceOrder {}
  }

  public synchronized Claim claim(String pumpSerial, long sequence, String eventId) {
    PumpHistory history = pumps.computeIfAbsent(pumpSerial, p -> new PumpHistory());
    if (history.recentIds.containsKey(eventId)) {
      return new Claim.Duplicate(DuplicateBy.EVENT_ID);
    }
    CompletableFuture<Boolean> pending = history.pendingById.get(eventId);
    if (pending == null) {
      pending = history.pendingBySequence.get(sequence);
    }
    if (pending != null) {
      return new Claim.InFlight(pending);
    }
    if (history.hasAccepted(sequence)) {
      return new Claim.Duplicate(DuplicateBy.SEQUENCE);
    }
    // Highest of the stored and the being-stored: a failed attempt does not count, so its retry
    // is not mistaken for a late arrival.
    long highest = history.pendingBySequence.isEmpty() ? history.highestStored
        : Math.max(history.highestStored, history.pendingBySequence.lastKey());
    SequenceOrder order;
    if (highest < 0 || sequence == highest + 1) {
      order = new SequenceOrder.Next();
    } else if (sequence > highest) {
      order = new SequenceOrder.Gap(highest + 1, sequence);
    } else {
      order = new SequenceOrder.Late(highest);
    }
    CompletableFuture<Boolean> attempt = new CompletableFuture<>();
    history.pendingById.put(eventId, attempt);
    history.pendingBySequence.put(sequence, attempt);
    return new Claim.Fresh(new Reservation(this, history, pumpSerial, sequence, eventId, attempt), order);
  }

  /** Pumps currently remembered (for a gauge). */
  public synchronized int pumpCount() {
    return pumps.size();
  }

  private synchronized void settle(Reservation r, boolean stored) {
    PumpHistory history = r.history;
    history.pendingById.remove(r.eventId, r.attempt);
    history.pendingBySequence.remove(r.sequence, r.attempt);
    if (stored) {
      history.remember(r.sequence, r.eventId, settings);
    }
  }

  /** One fresh event's claim; settle it exactly once. */
  public static final class Reservation {
    private final PumpSequenceMemory memory;
    private final PumpHistory history;
    private final String pumpSerial;
    private final long sequence;
    private final String eventId;
    private final CompletableFuture<Boolean> attempt;

    private Reservation(PumpSequenceMemory memory, PumpHistory history, String pumpSerial,
        long sequence, String eventId, CompletableFuture<Boolean> attempt) {
      this.memory = memory;
      this.history = history;
      this.pumpSerial = pumpSerial;
      this.sequence = sequence;
      this.eventId = eventId;
      this.attempt = attempt;
    }

    /** Kafka acknowledged the event: remember it, and tell racing retries it is stored. */
    public void stored() {
      memory.settle(this, true);
      attempt.complete(true);
    }

    /** The event was not stored: forget the claim so the client's retry produces it. */
    public void failed() {
      memory.settle(this, false);
      attempt.complete(false);
    }

    public String pumpSerial() {
      return pumpSerial;
    }
  }

  private static final class PumpHistory {
    long highestStored = -1;
    /** Runs of accepted sequence numbers, start to end inclusive. */
    final TreeMap<Long, Long> accepted = new TreeMap<>();
    final LinkedHashMap<String, Long> recentIds = new LinkedHashMap<>();
    final Map<String, CompletableFuture<Boolean>> pendingById = new HashMap<>(4);
    final TreeMap<Long, CompletableFuture<Boolean>> pendingBySequence = new TreeMap<>();

    boolean hasAccepted(long sequence) {
      Map.Entry<Long, Long> run = accepted.floorEntry(sequence);
      return run != null && run.getValue() >= sequence;
    }

    void remember(long sequence, String eventId, SequenceSettings settings) {
      highestStored = Math.max(highestStored, sequence);
      recentIds.put(eventId, sequence);
      if (recentIds.size() > settings.eventIdsPerPump()) {
        recentIds.remove(recentIds.keySet().iterator().next());
      }
      if (hasAccepted(sequence)) {
        return;
      }
      long start = sequence;
      long end = sequence;
      Map.Entry<Long, Long> below = accepted.floorEntry(sequence - 1);
      if (below != null && below.getValue() == sequence - 1) {
        start = below.getKey();
      }
      Long aboveEnd = accepted.remove(sequence + 1);
      if (aboveEnd != null) {
        end = aboveEnd;
      }
      accepted.put(start, end);
      // Forget the oldest runs first: retries concern recent events.
      while (accepted.size() > settings.sequenceRangesPerPump()) {
        accepted.pollFirstEntry();
      }
    }
  }
}
