package io.pumptwin.gateway.refusal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.gateway.ingest.TelemetryIngest;
import io.pumptwin.gateway.metrics.GatewayMetrics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts every refusal at the door (401, 413) on the dead-letter topic, without letting anonymous
 * traffic fill it. Each remote address has a token bucket: within it a refusal gets its own dead
 * letter (the first {@code payloadBytes} of the body, the claimed device, the reason); beyond it the
 * refusal is counted, and every {@code summaryInterval} one {@value #SUPPRESSED} record per address
 * says how many were counted, of which kinds, between when and when. So every refusal is accounted
 * for on the topic: individual records plus the counts in the summaries equal the refusals.
 *
 * <p>The answer never waits for any of it: {@link #record} only counts and queues, the writes run
 * on this class's own thread, and a failed write is counted and logged, never turned into a 5xx.
 */
public final class RefusalDeadLetters implements AutoCloseable {
  public static final String SUPPRESSED = "REFUSALS_SUPPRESSED";
  static final String OTHER_ADDRESSES = "other-addresses";
  private static final Logger log = LoggerFactory.getLogger(RefusalDeadLetters.class);
  private static final int MAX_HEADER_CHARS = 128;

  private final RefusalDeadLetterSettings settings;
  private final Function<DeadLetter, CompletableFuture<?>> sink;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Executor writer;
  private final ScheduledExecutorService scheduler;
  private volatile ScheduledFuture<?> periodicSummaries;
  private final ConcurrentHashMap<String, AddressTally> tallies = new ConcurrentHashMap<>();
  private final TokenBucket total;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong lastFailureLogged = new AtomicLong(Long.MIN_VALUE);
  private final ObjectMapper json = new ObjectMapper();

  /** For tests: writes run on {@code writer}, summaries only when {@link #flushSummaries} is called. */
  RefusalDeadLetters(RefusalDeadLetterSettings settings, Function<DeadLetter, CompletableFuture<?>> sink,
      GatewayMetrics metrics, Clock clock, LongSupplier nanoTime, Executor writer) {
    this(settings, sink, metrics, clock, nanoTime, writer, null);
  }

  private RefusalDeadLetters(RefusalDeadLetterSettings settings,
      Function<DeadLetter, CompletableFuture<?>> sink, GatewayMetrics metrics, Clock clock,
      LongSupplier nanoTime, Executor writer, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.sink = sink;
    this.metrics = metrics;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.writer = writer;
    this.scheduler = scheduler;
    this.total = new TokenBucket(settings.totalPerSecond(), settings.totalBurst(), nanoTime.getAsLong());
  }

  /**
   * Starts the writer thread and the periodic summaries. {@code sink} stores one record and
   * completes when the broker acknowledged it (the gateway's dead-letter producer).
   */
  public static RefusalDeadLetters start(RefusalDeadLetterSettings settings,
      Function<DeadLetter, CompletableFuture<?>> sink, GatewayMetrics metrics, Clock clock) {
    ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "gateway-refusal-dead-letters");
      t.setDaemon(true);
      return t;
    });
    RefusalDeadLetters refusals = new RefusalDeadLetters(settings, sink, metrics, clock,
        System::nanoTime, thread, thread);
    long every = settings.summaryInterval().toMillis();
    refusals.periodicSummaries = thread.scheduleWithFixedDelay(refusals::flushQuietly, every, every,
        TimeUnit.MILLISECONDS);
    return refusals;
  }

  /** Counts the refusal and queues its dead letter or its share of a summary; never throws. */
  public void record(DoorRefusal refusal) {
    try {
      Instant now = clock.instant();
      if (refusal.authenticated() && pending.get() < settings.maxPendingWrites()) {
        write(individual(refusal, now), refusal.reasonCode(), "individual");
        return;
      }
      if (admitted(refusal, now)) {
        write(individual(refusal, now), refusal.reasonCode(), "individual");
      }
    } catch (RuntimeException e) {
      metrics.refusalDeadLetter("individual", "failed");
      logFailure(refusal.reasonCode(), e);
    }
  }

  /**
   * True when the refusal gets its own record; false when it was counted for a summary (always
   * for an authenticated device's refusal that comes here: the writer's backlog was full).
   */
  private boolean admitted(DoorRefusal refusal, Instant now) {
    long t = nanoTime.getAsLong();
    while (true) {
      AddressTally tally = tallyFor(refusal.remoteAddress(), t);
      synchronized (tally) {
        if (tally.retired) {
          continue;
        }
        if (!refusal.authenticated() && pending.get() < settings.maxPendingWrites() && tally.bucket.tryTake(t)) {
          if (total.tryTake(t)) {
            return true;
          }
          tally.bucket.giveBack();
        }
        tally.count(refusal.status() + " " + refusal.reasonCode(), now);
        metrics.refusalSuppressed(refusal.reasonCode());
        return false;
      }
    }
  }

  private AddressTally tallyFor(String address, long t) {
    AddressTally known = tallies.get(address);
    if (known != null) {
      return known;
    }
    // Beyond maxAddresses, new senders share one entry and one bucket: memory stays bounded, and
    // many addresses at once cannot each claim a burst.
    String key = tallies.size() >= settings.maxAddresses() ? OTHER_ADDRESSES : address;
    return tallies.computeIfAbsent(key, k -> new AddressTally(k,
        new TokenBucket(settings.perAddressPerSecond(), settings.perAddressBurst(), t)));
  }

  /**
   * Writes one summary record for each address that had refusals counted since the last one, and
   * forgets addresses that have been quiet long enough for their bucket to be full again.
   */
  public void flushSummaries() {
    Instant now = clock.instant();
    long t = nanoTime.getAsLong();
    for (AddressTally tally : tallies.values()) {
      Counted counted;
      synchronized (tally) {
        counted = tally.take();
        if (counted == null && tally.bucket.isFull(t)) {
          tally.retired = true;
          tallies.remove(tally.address, tally);
        }
      }
      if (counted != null) {
        log.info("refusals suppressed address={} count={} from={} to={} byReason={}", tally.address,
            counted.count(), counted.first(), counted.last(), counted.byReason());
        write(summary(tally.address, counted, now), SUPPRESSED, "summary");
      }
    }
  }

  private void flushQuietly() {
    try {
      flushSummaries();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: log and keep the schedule.
      logFailure(SUPPRESSED, e);
    }
  }

  /** Dead letters queued or on their way to the broker, not yet acknowledged. */
  public int pendingWrites() {
    return pending.get();
  }

  private void write(DeadLetter record, String reasonCode, String kind) {
    pending.incrementAndGet();
    try {
      writer.execute(() -> send(record, reasonCode, kind));
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      metrics.refusalDeadLetter(kind, "failed");
      logFailure(reasonCode, e);
    }
  }

  private void send(DeadLetter record, String reasonCode, String kind) {
    CompletableFuture<?> acked;
    try {
      acked = sink.apply(record);
    } catch (RuntimeException e) {
      acked = CompletableFuture.failedFuture(e);
    }
    acked.whenComplete((ok, error) -> {
      pending.decrementAndGet();
      if (error == null) {
        metrics.refusalDeadLetter(kind, "written");
        metrics.deadLetter(reasonCode);
      } else {
        metrics.refusalDeadLetter(kind, "failed");
        logFailure(reasonCode, error);
      }
    });
  }

  /** At most one line a second: a broker outage under a flood must not become a log flood. */
  private void logFailure(String reasonCode, Throwable error) {
    long now = nanoTime.getAsLong();
    long last = lastFailureLogged.get();
    if ((last == Long.MIN_VALUE || now - last >= 1_000_000_000L) && lastFailureLogged.compareAndSet(last, now)) {
      log.warn("refusal dead letter not stored reason={} error=\"{}\" (counted in"
          + " gateway.refusal.dead.letters outcome=failed)", reasonCode, error.toString());
    }
  }

  DeadLetter individual(DoorRefusal r, Instant now) {
    int stored = Math.min(r.head().length, settings.payloadBytes());
    byte[] payload = stored == r.head().length ? r.head() : Arrays.copyOf(r.head(), stored);
    StringBuilder reason = new StringBuilder();
    reason.append(r.status()).append(' ').append(r.reasonCode()).append(" from ")
        .append(clean(r.remoteAddress()));
    if (r.claimedDevice() != null) {
      reason.append(", claimed device ").append(clean(r.claimedDevice()));
    }
    reason.append(": ").append(r.detail()).append("; ").append(payloadNote(r, stored));
    return DeadLetter.newBuilder()
        .setDeadLetterId(UUID.randomUUID().toString())
        .setStage(TelemetryIngest.STAGE)
        .setReasonCode(r.reasonCode())
        .setReason(reason.toString())
        .setField(r.field())
        .setPumpSerial(null)
        .setRawValue(ByteBuffer.wrap(payload))
        .setContentType(r.contentType() == null ? null : clean(r.contentType()))
        .setOccurredAt(now)
        .build();
  }

  private static String payloadNote(DoorRefusal r, int stored) {
    if (r.limitBytes() >= 0) {
      String size = r.declaredLength() >= 0
          ? "declared Content-Length " + r.declaredLength() + " bytes"
          : "body without Content-Length";
      String read = r.head().length == 0
          ? "body not read, payload empty (truncated)"
          : "reading stopped after " + r.head().length + " bytes, first " + stored
              + " bytes stored (payload truncated)";
      return size + ", over the limit of " + r.limitBytes() + " bytes; " + read;
    }
    long length = r.bodyBytes() >= 0 ? r.bodyBytes() : r.head().length;
    if (stored >= length) {
      return "body " + length + " bytes, stored in full";
    }
    return "body " + length + " bytes, first " + stored + " bytes stored (payload truncated)";
  }

  private DeadLetter summary(String address, Counted counted, Instant now) {
    String statuses = counted.byReason().keySet().stream().map(k -> k.substring(0, k.indexOf(' ')))
        .distinct().reduce((a, b) -> a + "/" + b).orElse("");
    String from = address.equals(OTHER_ADDRESSES)
        ? "addresses beyond the " + settings.maxAddresses() + " tracked"
        : address;
    String reason = counted.count() + " further " + statuses + " refusals from " + from
        + " suppressed between " + counted.first() + " and " + counted.last() + " (dead letters limited to "
        + fmt(settings.perAddressPerSecond()) + "/s, burst " + settings.perAddressBurst()
        + ", per address): " + counted.byReason();
    ObjectNode body = json.createObjectNode();
    body.put("remoteAddress", address);
    body.put("suppressed", counted.count());
    body.put("from", counted.first().toString());
    body.put("to", counted.last().toString());
    ObjectNode byReason = body.putObject("byReason");
    counted.byReason().forEach(byReason::put);
    byte[] raw;
    try {
      raw = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
    return DeadLetter.newBuilder()
        .setDeadLetterId(UUID.randomUUID().toString())
        .setStage(TelemetryIngest.STAGE)
        .setReasonCode(SUPPRESSED)
        .setReason(reason)
        .setField(null)
        .setPumpSerial(null)
        .setRawValue(ByteBuffer.wrap(raw))
        .setContentType("application/json")
        .setOccurredAt(now)
        .build();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Header values are the sender's own text: cut short, control characters replaced. */
  private static String clean(String s) {
    String cut = s.length() > MAX_HEADER_CHARS ? s.substring(0, MAX_HEADER_CHARS) + "..." : s;
    StringBuilder out = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  /**
   * Writes the last summaries and waits (a few seconds at most) for the queued records, so a
   * clean shutdown leaves every refusal accounted for. Call before the producer is closed.
   */
  @Override
  public void close() {
    if (scheduler == null) {
      flushSummaries();
      return;
    }
    if (scheduler.isShutdown()) {
      return;
    }
    if (periodicSummaries != null) {
      periodicSummaries.cancel(false);
    }
    // The writer thread stays open until the last summaries and the queued records are sent: a
    // record queued after shutdown() would be refused, and its refusals lost from the count.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try {
      scheduler.submit(this::flushQuietly).get(10, TimeUnit.SECONDS);
      while (pending.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      logFailure(SUPPRESSED, e);
    }
    if (pending.get() > 0) {
      log.warn("refusal dead letters still pending at shutdown count={}", pending.get());
    }
    scheduler.shutdownNow();
  }

  /** What was counted for one address since its last summary. */
  record Counted(long count, Instant first, Instant last, Map<String, Long> byReason) {}

  private static final class AddressTally {
    final String address;
    final TokenBucket bucket;
    boolean retired;
    long count;
    Instant first;
    Instant last;
    Map<String, Long> byReason = new TreeMap<>();

    AddressTally(String address, TokenBucket bucket) {
      this.address = address;
      this.bucket = bucket;
    }

    void count(String reason, Instant at) {
      if (count == 0) {
        first = at;
      }
      count++;
      last = at;
      byReason.merge(reason, 1L, Long::sum);
    }

    Counted take() {
      if (count == 0) {
        return null;
      }
      Counted c = new Counted(count, first, last, byReason);
      count = 0;
      first = null;
      last = null;
      byReason = new TreeMap<>();
      return c;
    }
  }
}
