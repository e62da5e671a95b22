package io.pumptwin.alerting.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.DeliveryOutcome;
import io.pumptwin.events.NotificationChannel;
import io.pumptwin.events.NotificationRecord;
import io.pumptwin.events.Severity;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells on-call staff: consumes {@code pump.alerts.v1}, routes each notifying transition to the
 * clinic's on-call chain at the alert's escalation level, delivers by webhook or e-mail with
 * retries, and writes every attempt to {@code pump.notifications.v1}.
 *
 * <p>No loss: the consumer's offset is committed only after every notification of the records
 * polled is finished and its record is acknowledged by the broker. No duplicates after a restart:
 * notification ids (alert, transition, transition time, recipient) already finished are skipped,
 * known from the notifications topic read at start. A crash between a delivery and its record can
 * still repeat that one delivery; the CloudEvent id lets the receiver drop it.
 */
public final class NotificationDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);

  private final String bootstrapServers;
  private final Map<String, ?> clientSecurity;
  private final String groupId;
  private final OnCallRouting routing;
  private final RetryPolicy retry;
  private final WebhookChannel webhooks;
  private final EmailChannel email;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Topic<AlertEvent> alerts;
  private final Topic<NotificationRecord> notifications;
  private final AtomicBoolean running = new AtomicBoolean();
  private final ExecutorService deliveries = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "alerting-delivery");
    t.setDaemon(true);
    return t;
  });
  private DeliveryLedger ledger;
  private KafkaConsumer<String, AlertEvent> consumer;
  private KafkaProducer<String, NotificationRecord> producer;
  private Thread loop;
  private volatile boolean idle;

  public NotificationDispatcher(String bootstrapServers, String groupId, TopicRegistry topics,
      OnCallRouting routing, RetryPolicy retry, WebhookChannel webhooks, EmailChannel email,
      MeterRegistry meters, Clock clock) {
    this(bootstrapServers, Map.of(), groupId, topics, routing, retry, webhooks, email, meters, clock);
  }

  /** @param clientSecurity Kafka client security settings (SASL_SSL...) for every client of the notifier */
  public NotificationDispatcher(String bootstrapServers, Map<String, ?> clientSecurity, String groupId,
      TopicRegistry topics, OnCallRouting routing, RetryPolicy retry, WebhookChannel webhooks,
      EmailChannel email, MeterRegistry meters, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.clientSecurity = Map.copyOf(clientSecurity);
    this.groupId = groupId;
    this.routing = routing;
    this.retry = retry;
    this.webhooks = webhooks;
    this.email = email;
    this.meters = meters;
    this.clock = clock;
    this.alerts = topics.topic(Topics.ALERTS);
    this.notifications = topics.topic(Topics.NOTIFICATIONS);
  }

  /** True when the last poll found nothing and every assigned partition was read to its end. */
  public boolean idle() {
    return idle;
  }

  /** Which transitions page people; the rest reach dashboards through the live stream only. */
  static boolean notifies(AlertEvent a, Severity alreadyNotified) {
    return switch (a.getTransition()) {
      case OPENED, ESCALATED, RENOTIFIED -> true;
      // A worse risk on an open alert is news; a moved due date or a lower level is not.
      case UPDATED -> alreadyNotified == null || a.getSeverity().compareTo(alreadyNotified) > 0;
      case ACKNOWLEDGED, SILENCED, RESOLVED -> false;
    };
  }

  /** An opening whose page the lifecycle held back (re-raised soon after it was resolved). */
  static boolean heldBack(AlertEvent a) {
    return a.getTransition() == AlertTransition.OPENED && FlappingPolicy.heldBack(a.getReason());
  }

  static String notificationId(AlertEvent a, String recipientId) {
    return a.getAlertId() + "/" + a.getTransition() + "/" + a.getEventTime().toEpochMilli() + "/"
        + recipientId;
  }

  public void start() {
    ledger = DeliveryLedger.readFrom(bootstrapServers, clientSecurity, notifications, Duration.ofSeconds(60));
    log.info("event=notifier.ledger_loaded finished={}", ledger.size());
    Map<String, Object> p = new HashMap<>();
    p.putAll(clientSecurity);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer = new KafkaProducer<>(p, notifications.keySerde().serializer(),
        notifications.valueSerde().serializer());
    Map<String, Object> c = new HashMap<>();
    c.putAll(clientSecurity);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Alerts come from an exactly-once application: read only what it committed.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A new notifier starts from the beginning: the ledger keeps it from repeating what was sent,
    // and an alert raised before its first start is still delivered.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    consumer = new KafkaConsumer<>(c, alerts.keySerde().deserializer(), alerts.valueSerde().deserializer());
    consumer.subscribe(List.of(alerts.name()));
    running.set(true);
    loop = new Thread(this::run, "alerting-notifier");
    loop.start();
  }

  private void run() {
    try {
      while (running.get()) {
        ConsumerRecords<String, AlertEvent> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, AlertEvent> r : records) {
          if (r.value() != null) {
            handle(r.value());
          }
        }
        if (!records.isEmpty()) {
          producer.flush();
          consumer.commitSync();
        }
        idle = records.isEmpty() && !consumer.assignment().isEmpty()
            && consumer.assignment().stream().allMatch(tp -> consumer.currentLag(tp).orElse(1) == 0);
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("event=notifier.stopped error=\"{}\"", e.toString(), e);
    } finally {
      consumer.close();
    }
  }

  void handle(AlertEvent a) {
    if (!notifies(a, ledger.notifiedSeverity(a.getAlertId()))) {
      return;
    }
    if (heldBack(a)) {
      // The lifecycle saw the same alert resolved a short while ago (the twin flapping): shown
      // on dashboards, not paged; its re-notification deadlines still run.
      String id = notificationId(a, "none");
      if (!ledger.finished(id)) {
        write(record(a, id, 1, NotificationChannel.LIVE_STREAM, "none", DeliveryOutcome.SUPPRESSED,
            null, a.getReason()));
        meters.counter("alerting.notifications.suppressed_flapping").increment();
        log.info("event=notification.suppressed_flapping notification={} alert={}", id, a.getAlertId());
      }
      return;
    }
    OnCallRouting.ClinicRota rota = routing.rotaOf(a.getClinicId()).orElse(null);
    List<OnCallRouting.Recipient> recipients = rota == null || a.getSeverity().compareTo(rota.minimumSeverity()) < 0
        ? List.of() : routing.recipientsFor(a.getClinicId(), a.getEscalationLevel(), a.getEventTime());
    if (recipients.isEmpty()) {
      String id = notificationId(a, "none");
      if (!ledger.finished(id)) {
        String why = rota == null ? "no on-call routing for clinic " + a.getClinicId()
            : a.getSeverity().compareTo(rota.minimumSeverity()) < 0
                ? "severity below the clinic's paging minimum " + rota.minimumSeverity()
                : "no shift covers " + a.getEventTime();
        write(record(a, id, 1, NotificationChannel.LIVE_STREAM, "none", DeliveryOutcome.SUPPRESSED, null, why));
      }
      return;
    }
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (OnCallRouting.Recipient to : recipients) {
      String id = notificationId(a, to.id());
      if (ledger.finished(id)) {
        meters.counter("alerting.notifications.skipped_duplicate").increment();
        continue;
      }
      pending.add(CompletableFuture.runAsync(() -> deliver(a, to, id), deliveries));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
  }

  private void deliver(AlertEvent a, OnCallRouting.Recipient to, String id) {
    NotificationChannel channel = to instanceof OnCallRouting.WebhookRecipient
        ? NotificationChannel.WEBHOOK : NotificationChannel.EMAIL;
    for (int attempt = 1; ; attempt++) {
      Attempt result;
      if (to instanceof OnCallRouting.WebhookRecipient w) {
        result = webhooks.send(w, a, id, attempt);
      } else if (email == null) {
        result = Attempt.failed(null, "no SMTP relay configured", false);
      } else {
        result = email.send((OnCallRouting.EmailRecipient) to, a, id, attempt);
      }
      DeliveryOutcome outcome = result.delivered() ? DeliveryOutcome.DELIVERED
          : result.retryable() && attempt < retry.maxAttempts() ? DeliveryOutcome.RETRYING
          : DeliveryOutcome.DEAD_LETTERED;
      write(record(a, id, attempt, channel, to.id(), outcome, result.statusCode(), result.error()));
      meters.counter("alerting.notifications", "channel", channel.toString(), "outcome",
          outcome.toString()).increment();
      log.info("event=notification.{} notification={} channel={} recipient={} attempt={} status={}",
          outcome.toString().toLowerCase(), id, channel, to.id(), attempt, result.statusCode());
      if (outcome != DeliveryOutcome.RETRYING) {
        return;
      }
      try {
        Thread.sleep(retry.backoffAfter(attempt).toMillis()); // exponential backoff between delivery attempts
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        // Stopping mid-backoff: the offset is not committed, so a restart tries again.
        throw new IllegalStateException("interrupted while backing off " + id, e);
      }
    }
  }

  private NotificationRecord record(AlertEvent a, String id, int attempt, NotificationChannel channel,
      String recipientId, DeliveryOutcome outcome, Integer status, String error) {
    return NotificationRecord.newBuilder()
        .setNotificationId(id)
        .setAttempt(attempt)
        .setAlertId(a.getAlertId())
        .setPumpSerial(a.getPumpSerial())
        .setClinicId(a.getClinicId())
        .setAlertType(a.getAlertType())
        .setSeverity(a.getSeverity())
        .setChannel(channel)
        .setRecipientId(recipientId)
        .setOutcome(outcome)
        .setStatusCode(status)
        .setError(error)
        .setAttemptedAt(clock.instant())
        .build();
  }

  private void write(NotificationRecord r) {
    try {
      producer.send(new ProducerRecord<>(notifications.name(), r.getPumpSerial(), r)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing notification record", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot write notification record " + r.getNotificationId(), e);
    }
    ledger.record(r);
  }

  @Override
  public void close() {
    running.set(false);
    if (consumer != null) {
      consumer.wakeup();
    }
    if (loop != null) {
      try {
        loop.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    deliveries.shutdownNow();
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
