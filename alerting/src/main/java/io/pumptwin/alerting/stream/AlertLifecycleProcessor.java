package io.pumptwin.alerting.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.pumptwin.alerting.lifecycle.Alert;
import io.pumptwin.alerting.lifecycle.AlertChange;
import io.pumptwin.alerting.lifecycle.AlertLifecycle;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.alerting.lifecycle.RecentResolution;
import io.pumptwin.alerting.lifecycle.StaffCommand;
import io.pumptwin.alerting.lifecycle.Step;
import io.pumptwin.alerting.lifecycle.TwinSignal;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the open alerts of the pumps of one task in a persistent store and applies twin events,
 * staff commands and the passage of time on the task's alert clock to them. Twin events and
 * commands of a pump meet here because both topics are keyed by pump serial and co-partitioned.
 *
 * <p>Deadlines (re-notify, escalate, end of a silence) are met in event time, so that the same
 * input gives the same alerts however the task is scheduled. Before a twin event or a command of a
 * pump is applied, every deadline of that pump's alerts up to the input's time is met first, one
 * at a time in deadline order, each published as its own transition stamped with its deadline
 * ({@link AlertLifecycle#onDeadline}). Punctuations (every {@code sweepInterval} of stream time
 * and, in LIVE mode, every {@code liveClockTick} of wall-clock time, see {@link AlertClock}) meet
 * the deadlines of pumps that have no later input, on time: on-call staff are chased while a
 * pump, or the whole partition, is quiet. Either way a deadline gives the same transition, so
 * where a punctuation falls between records (a stream thread's poll batch, a test driver's time
 * steps, how many tasks share the pumps) does not change the alerts, as long as the input of a
 * pump is not older than deadlines the alert clock has already passed (input that arrives later
 * than that is applied at its own time after the deadlines were met, as it would be live).
 */
final class AlertLifecycleProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(AlertLifecycleProcessor.class);
  /** The task's clock, one entry per store (the store is the task's own). */
  static final String CLOCK_KEY = "clock";

  private final AlertLifecycle lifecycle;
  private final Duration sweepInterval;
  private final AlertClock clockMode;
  private final Duration liveClockTick;
  private final Duration flapWindow;
  private final Topic<TwinEvent> twinEvents;
  private final Topic<AlertCommand> commands;
  private final MeterRegistry meters;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, Alert> openAlerts;
  private KeyValueStore<String, RecentResolution> recentlyResolved;
  private KeyValueStore<String, AlertClockState> clockStore;
  private AlertClockState clock = AlertClockState.UNKNOWN;

  AlertLifecycleProcessor(AlertLifecycle lifecycle, Duration sweepInterval, AlertClock clockMode,
      Duration liveClockTick, Duration flapWindow, Topic<TwinEvent> twinEvents,
      Topic<AlertCommand> commands, MeterRegistry meters) {
    this.lifecycle = lifecycle;
    this.sweepInterval = sweepInterval;
    this.clockMode = clockMode;
    this.liveClockTick = liveClockTick;
    this.flapWindow = flapWindow;
    this.twinEvents = twinEvents;
    this.commands = commands;
    this.meters = meters;
  }

  static String storeKey(String pumpSerial, AlertType type) {
    return pumpSerial + "|" + type;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.openAlerts = context.getStateStore(AlertingTopology.OPEN_ALERTS_STORE);
    this.recentlyResolved = context.getStateStore(AlertingTopology.RECENTLY_RESOLVED_STORE);
    this.clockStore = context.getStateStore(AlertingTopology.ALERT_CLOCK_STORE);
    AlertClockState saved = clockStore.get(CLOCK_KEY);
    clock = saved == null ? AlertClockState.UNKNOWN : saved;
    // On stream time, deadlines replay exactly as they first happened.
    context.schedule(sweepInterval, PunctuationType.STREAM_TIME, t -> sweep());
    if (clockMode == AlertClock.LIVE) {
      // On a quiet partition stream time stands still; real time must still chase an
      // unacknowledged alert.
      context.schedule(liveClockTick, PunctuationType.WALL_CLOCK_TIME, t -> sweep());
    }
  }

  /** Reads the alert clock now, and keeps it in the store when it moved. */
  private Instant alertClock() {
    AlertClockState next = clock.observe(clockMode, context.currentStreamTimeMs(),
        context.currentSystemTimeMs());
    if (!next.equals(clock)) {
      clock = next;
      if (clockMode == AlertClock.LIVE) {
        // Only LIVE needs the wall-clock anchor after a restart; on STREAM_TIME the clock is
        // stream time, which Kafka Streams restores with the committed offsets.
        clockStore.put(CLOCK_KEY, clock);
      }
    }
    return clock.known() ? Instant.ofEpochMilli(clock.clockMs()) : null;
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    try {
      if (record.value() instanceof TwinEvent event) {
        TwinSignal signal = AlertRecords.signalOf(record.key(), event);
        String key = storeKey(signal.pumpSerial(), signal.alertType());
        alertClock();
        meetDeadlines(signal.pumpSerial(), signal.eventTime());
        apply(key, lifecycle.onSignal(openAlerts.get(key), signal, recentlyResolved.get(key)), null);
      } else if (record.value() instanceof AlertCommand command) {
        StaffCommand c = AlertRecords.commandOf(record.key(), command);
        String key = storeKey(c.pumpSerial(), c.alertType());
        // Stream time includes this record's timestamp, so the clock is known here.
        Instant now = alertClock();
        Instant at = now == null ? Instant.ofEpochMilli(record.timestamp()) : now;
        meetDeadlines(c.pumpSerial(), at);
        apply(key, lifecycle.onCommand(openAlerts.get(key), c, at), record);
      } else {
        deadLetter(record, "UNEXPECTED_RECORD", "no value or a value of an unexpected type", null, null);
      }
    } catch (InvalidRecord e) {
      deadLetter(record, "INVALID_FIELD", e.getMessage(), e.field(), e);
    } catch (RuntimeException e) {
      // A record that breaks the processor must not stop alerts for every other pump of the
      // partition: it goes to the dead-letter topic with the error, and processing goes on.
      deadLetter(record, "PROCESSING_FAILED", e.toString(), null, e);
    }
  }

  private void apply(String key, Step step, Record<String, SpecificRecord> command) {
    if (step.rejected().isPresent()) {
      meters.counter("alerting.commands.rejected").increment();
      log.info("event=alerting.command_rejected key={} reason=\"{}\"", key, step.rejection());
      deadLetter(command, "COMMAND_REJECTED", step.rejection(), "action", null);
      return;
    }
    if (step.alert() == null) {
      openAlerts.delete(key);
      if (!flapWindow.isZero()) {
        for (AlertChange change : step.changes()) {
          if (change.transition() == AlertTransition.RESOLVED) {
            recentlyResolved.put(key, new RecentResolution(change.alert().alertId(),
                change.alert().severity(), change.eventTime()));
          }
        }
      }
    } else {
      openAlerts.put(key, step.alert());
    }
    for (AlertChange change : step.changes()) {
      publish(change);
    }
  }

  private void publish(AlertChange change) {
    Alert a = change.alert();
    context.forward(new Record<>(a.pumpSerial(), (SpecificRecord) AlertRecords.eventOf(change),
        change.eventTime().toEpochMilli()), AlertingTopology.ALERTS_SINK);
    meters.counter("alerting.transitions", "transition", change.transition().toString(),
        "severity", a.severity().toString()).increment();
    log.info("event=alert.{} alert={} pump={} type={} severity={} status={} level={} at={} "
            + "paged={}", change.transition().toString().toLowerCase(), a.alertId(), a.pumpSerial(),
        a.alertType(), a.severity(), a.status(), a.escalationLevel(), change.eventTime(),
        !FlappingPolicy.heldBack(change.reason()));
  }

  /** Meets the deadlines, up to the alert clock, of every pump that has one due. */
  private void sweep() {
    Instant now = alertClock();
    if (now == null) {
      return;
    }
    // Store order (by key, so by pump serial): the same pumps in the same order every time.
    Set<String> pumps = new LinkedHashSet<>();
    try (KeyValueIterator<String, Alert> it = openAlerts.all()) {
      while (it.hasNext()) {
        KeyValue<String, Alert> entry = it.next();
        Instant next = entry.value.nextActionAt();
        if (next != null && !next.isAfter(now)) {
          pumps.add(entry.value.pumpSerial());
        }
      }
    }
    for (String pump : pumps) {
      meetDeadlines(pump, now);
    }
    forgetOldResolutions(now);
  }

  /**
   * Meets the deadlines of one pump's alerts up to {@code until}, one at a time, earliest first
   * across its alert types (ties in alert type order), so that the pump's alert events come out in
   * time order and the same whoever calls: the input path before it applies the pump's input, or
   * a punctuation.
   */
  private void meetDeadlines(String pumpSerial, Instant until) {
    Map<String, Alert> scheduled = new TreeMap<>();
    try (KeyValueIterator<String, Alert> it =
             openAlerts.prefixScan(pumpSerial + "|", new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, Alert> entry = it.next();
        if (entry.value.nextActionAt() != null && !entry.value.nextActionAt().isAfter(until)) {
          scheduled.put(entry.key, entry.value);
        }
      }
    }
    for (int met = 0; !scheduled.isEmpty() && met < AlertLifecycle.MAX_DEADLINES_PER_SWEEP; met++) {
      Map.Entry<String, Alert> first = null;
      for (Map.Entry<String, Alert> e : scheduled.entrySet()) {
        if (first == null || e.getValue().nextActionAt().isBefore(first.getValue().nextActionAt())
            || (e.getValue().nextActionAt().equals(first.getValue().nextActionAt())
                && e.getValue().alertType().compareTo(first.getValue().alertType()) < 0)) {
          first = e;
        }
      }
      String key = first.getKey();
      Step step = lifecycle.onDeadline(first.getValue());
      apply(key, step, null);
      Alert after = step.alert();
      if (after == null || after.nextActionAt() == null || after.nextActionAt().isAfter(until)) {
        scheduled.remove(key);
      } else {
        scheduled.put(key, after);
      }
    }
  }

  /** A resolution older than the flapping window no longer holds back a page. */
  private void forgetOldResolutions(Instant now) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, RecentResolution> it = recentlyResolved.all()) {
      while (it.hasNext()) {
        KeyValue<String, RecentResolution> entry = it.next();
        if (!entry.value.resolvedAt().plus(flapWindow).isAfter(now)) {
          old.add(entry.key);
        }
      }
    }
    old.forEach(recentlyResolved::delete);
  }

  private void deadLetter(Record<String, SpecificRecord> record, String code, String reason,
      String field, Exception cause) {
    if (record == null) {
      return;
    }
    meters.counter("alerting.dead_letters", "reason", code).increment();
    RecordMetadata meta = context.recordMetadata().orElse(null);
    String topic = meta == null ? null : meta.topic();
    byte[] raw = rawValue(record.value(), topic);
    byte[] rawKey = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetters.of(code, reason, field, record.key(), topic,
        meta == null ? null : meta.partition(), meta == null ? null : meta.offset(), rawKey, raw,
        Instant.ofEpochMilli(context.currentSystemTimeMs()));
    if (cause != null && !(cause instanceof InvalidRecord)) {
      log.warn("event=alerting.dead_letter reason={} pump={} topic={} error=\"{}\"", code,
          record.key(), topic, cause.toString(), cause);
    } else {
      log.warn("event=alerting.dead_letter reason={} pump={} topic={} detail=\"{}\"", code,
          record.key(), topic, reason);
    }
    context.forward(new Record<>(record.key(), (SpecificRecord) letter, record.timestamp()),
        AlertingTopology.DEAD_LETTER_SINK);
  }

  /** The record as it arrived, re-encoded with its topic's serde (the original bytes are gone). */
  private byte[] rawValue(SpecificRecord value, String topic) {
    try {
      if (value instanceof TwinEvent e) {
        return twinEvents.valueSerde().serializer().serialize(twinEvents.name(), e);
      }
      if (value instanceof AlertCommand c) {
        return commands.valueSerde().serializer().serialize(commands.name(), c);
      }
    } catch (RuntimeException e) {
      log.warn("event=alerting.dead_letter_reencode_failed topic={} error=\"{}\"", topic, e.toString());
    }
    return new byte[0];
  }
}
