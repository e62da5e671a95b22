package io.pumptwin.alerting.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.pumptwin.alerting.lifecycle.Alert;
import io.pumptwin.alerting.lifecycle.AlertChange;
import io.pumptwin.alerting.lifecycle.AlertLifecycle;
import io.pumptwin.alerting.lifecycle.StaffCommand;
import io.pumptwin.alerting.lifecycle.Step;
import io.pumptwin.alerting.lifecycle.TwinSignal;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
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
 * staff commands and the passage of stream time to them. Twin events and commands of a pump meet
 * here because both topics are keyed by pump serial and co-partitioned.
 */
final class AlertLifecycleProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private static final Logger log = LoggerFactory.getLogger(AlertLifecycleProcessor.class);

  private final AlertLifecycle lifecycle;
  private final Duration sweepInterval;
  private final Topic<TwinEvent> twinEvents;
  private final Topic<AlertCommand> commands;
  private final MeterRegistry meters;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, Alert> openAlerts;

  AlertLifecycleProcessor(AlertLifecycle lifecycle, Duration sweepInterval, Topic<TwinEvent> twinEvents,
      Topic<AlertCommand> commands, MeterRegistry meters) {
    this.lifecycle = lifecycle;
    this.sweepInterval = sweepInterval;
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
    // Stream time, not wall-clock time: escalations replay exactly as they first happened.
    context.schedule(sweepInterval, PunctuationType.STREAM_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    try {
      if (record.value() instanceof TwinEvent event) {
        TwinSignal signal = AlertRecords.signalOf(record.key(), event);
        String key = storeKey(signal.pumpSerial(), signal.alertType());
        apply(key, lifecycle.onSignal(openAlerts.get(key), signal), null);
      } else if (record.value() instanceof AlertCommand command) {
        StaffCommand c = AlertRecords.commandOf(record.key(), command);
        String key = storeKey(c.pumpSerial(), c.alertType());
        apply(key, lifecycle.onCommand(openAlerts.get(key), c), record);
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
    log.info("event=alert.{} alert={} pump={} type={} severity={} status={} level={}",
        change.transition().toString().toLowerCase(), a.alertId(), a.pumpSerial(), a.alertType(),
        a.severity(), a.status(), a.escalationLevel());
  }

  private void sweep(long streamTime) {
    Instant now = Instant.ofEpochMilli(streamTime);
    List<KeyValue<String, Alert>> due = new ArrayList<>();
    try (KeyValueIterator<String, Alert> it = openAlerts.all()) {
      while (it.hasNext()) {
        KeyValue<String, Alert> entry = it.next();
        Instant next = entry.value.nextActionAt();
        if (next != null && !next.isAfter(now)) {
          due.add(entry);
        }
      }
    }
    for (KeyValue<String, Alert> entry : due) {
      apply(entry.key, lifecycle.onTime(entry.value, now), null);
    }
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
