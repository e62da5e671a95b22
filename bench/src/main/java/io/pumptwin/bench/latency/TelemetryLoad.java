package io.pumptwin.bench.latency;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Devices talking to the gateway at a fixed rate: signed JSON batches from several client threads, almost all
 * routine status reports of many pumps, and at a fixed rate a critical pump alarm (the twin relays it at once
 * and alerting opens a PUMP_CRITICAL_ALARM alert at once), each on a pump that has not alarmed before in the run
 * so that each one opens its own alert. The time each alarm's batch got its 202 is recorded.
 *
 * <p>Each thread owns the pumps {@code p % threads == thread} and sends them in order, so one pump's events
 * reach the gateway in event-time order (the twin's fast path; out-of-order events would wait in its reorder
 * buffer). Batches go out on a fixed schedule per thread; a thread that falls behind sends at once, and the rate
 * actually sustained is reported.
 */
final class TelemetryLoad {
  /** A critical alarm sent, and when its batch was answered 202 (System.nanoTime). */
  record SentAlarm(String eventId, String pumpSerial, Instant eventTime, long acceptedNanos, boolean measured) {}

  /** One 202 answer: its round trip, and whether it fell in the measured window. */
  record Answer(long sentNanos, long answeredNanos, int events, boolean measured) {}

  private final URI uri;
  private final String device;
  private final String secret;
  private final int pumps;
  private final int threads;
  private final int batchSize;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final TelemetryJsonWriter writer = new TelemetryJsonWriter();
  final ConcurrentLinkedQueue<SentAlarm> alarms = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  final AtomicLong eventsAccepted = new AtomicLong();
  final AtomicLong alarmsAccepted = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  /** Batches not sent because their thread was more than {@link #MAX_BEHIND_NANOS} behind its schedule. */
  final AtomicLong skippedBatches = new AtomicLong();
  /**
   * A thread that falls further behind its schedule than this skips the missed batches instead of sending them
   * in a burst: the rate sustained is then below the rate asked for, and the report says so.
   */
  static final long MAX_BEHIND_NANOS = TimeUnit.SECONDS.toNanos(1);

  TelemetryLoad(int gatewayPort, String device, String secret, int pumps, int threads, int batchSize) {
    this.uri = URI.create("http://127.0.0.1:" + gatewayPort + "/v1/telemetry");
    this.device = device;
    this.secret = secret;
    this.pumps = pumps;
    this.threads = threads;
    this.batchSize = batchSize;
  }

  /**
   * Sends for {@code warmupNanos + measuredNanos} at {@code eventsPerSecond}, with {@code alarmsPerSecond}
   * critical alarms among them; returns when every thread has sent its last batch.
   */
  void run(double eventsPerSecond, double alarmsPerSecond, long warmupNanos, long measuredNanos)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    long end = measureFrom + measuredNanos;
    // Per thread: a batch every threads * batchSize / rate seconds, threads staggered across that interval.
    long interval = Math.round(threads * batchSize * 1e9 / eventsPerSecond);
    long eventsPerAlarm = Math.max(1, Math.round(eventsPerSecond / alarmsPerSecond));
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread w = new Thread(() -> sendLoop(thread, start + thread * interval / threads, interval, measureFrom, end,
          eventsPerAlarm), "load-" + t);
      w.setDaemon(true);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
  }

  /** A thread's batches on its schedule (the loop variable is the due time of the next batch). */
  private void sendLoop(int thread, long firstAt, long interval, long measureFrom, long end, long eventsPerAlarm) {
    List<Integer> owned = new ArrayList<>();
    for (int p = thread; p < pumps; p += threads) {
      owned.add(p);
    }
    long[] sequence = new long[owned.size()];
    boolean[] alarmed = new boolean[owned.size()];
    int cursor = 0;
    // Threads start their alarm cadence staggered, so alarms do not arrive in bursts of `threads`.
    long sentEvents = thread * eventsPerAlarm / threads;
    boolean alarmDue = false;
    for (long due = firstAt; due < end; due += interval) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else if (-wait > MAX_BEHIND_NANOS) {
        long missed = -wait / interval;
        skippedBatches.addAndGet(missed);
        due += missed * interval;
        if (due >= end) {
          break;
        }
      }
      Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
      List<TelemetryEnvelope> batch = new ArrayList<>(batchSize);
      List<TelemetryEnvelope> batchAlarms = new ArrayList<>(1);
      for (int i = 0; i < batchSize; i++) {
        int k = cursor;
        cursor = (cursor + 1) % owned.size();
        // Each thread sends 1/threads of the events and of the alarms: an alarm every eventsPerAlarm of its events.
        if (++sentEvents % eventsPerAlarm == 0) {
          alarmDue = true;
        }
        String serial = serial(owned.get(k));
        TelemetryEnvelope e;
        if (alarmDue && !alarmed[k]) {
          alarmDue = false;
          alarmed[k] = true;
          e = alarm(serial, ++sequence[k], now);
          batchAlarms.add(e);
        } else {
          e = status(serial, ++sequence[k], now);
        }
        batch.add(e);
      }
      byte[] body = writer.batch(batch);
      String ts = Long.toString(System.currentTimeMillis());
      HttpRequest request = HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json")
          .header(RequestSignature.DEVICE_HEADER, device)
          .header(RequestSignature.TIMESTAMP_HEADER, ts)
          .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      long sent = System.nanoTime();
      boolean measured = sent >= measureFrom;
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long answered = System.nanoTime();
        if (response.statusCode() != 202) {
          failures.incrementAndGet();
          System.err.printf("event=bench.batch_refused status=%d body=%s%n", response.statusCode(),
              response.body().length() > 200 ? response.body().substring(0, 200) : response.body());
          continue;
        }
        answers.add(new Answer(sent, answered, batch.size(), measured));
        eventsAccepted.addAndGet(batch.size());
        for (TelemetryEnvelope a : batchAlarms) {
          alarms.add(new SentAlarm(a.getEventId(), a.getPumpSerial(), a.getEventTime(), answered, measured));
          alarmsAccepted.incrementAndGet();
        }
      } catch (Exception e) {
        failures.incrementAndGet();
        System.err.printf("event=bench.batch_failed error=\"%s\"%n", e);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  static String serial(int pump) {
    return String.format("E2E%07d", pump);
  }

  private static TelemetryEnvelope envelope(String serial, long sequence, Instant at, Object payload) {
    return TelemetryEnvelope.newBuilder().setEventId(UUID.randomUUID().toString())
        .setPumpSerial(serial).setPatientPseudonym("pat-" + Integer.toHexString(serial.hashCode()))
        .setClinicId("clinic-" + Math.floorMod(serial.hashCode(), 7)).setEventTime(at).setSequence(sequence)
        .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null)
        .setPayload(payload).build();
  }

  /** 40 mL pump at 2000 mcg/mL delivering 500 mcg/day: 0.25 mL/day (DOMAIN.md's example), nothing wrong. */
  private static TelemetryEnvelope status(String serial, long sequence, Instant at) {
    return envelope(serial, sequence, at, StatusReport.newBuilder().setPumpComputedReservoirMl(12.5).setReservoirCapacityMl(40)
        .setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(2000).setDoseMcgPerDay(500)
        .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS).setBatteryRemainingPercent(71.0)
        .setBatteryVoltageV(null).setActiveAlarms(List.of()).build());
  }

  /** A critical pump alarm that does not stop delivery: the twin relays it at LIKELY, alerting opens HIGH. */
  private static TelemetryEnvelope alarm(String serial, long sequence, Instant at) {
    return envelope(serial, sequence, at, PumpAlarm.newBuilder().setKind(PumpAlarmKind.OTHER_CRITICAL).setCritical(true)
        .setDetail("bench: end-to-end latency probe").build());
  }

  static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
