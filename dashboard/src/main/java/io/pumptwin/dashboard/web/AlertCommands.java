package io.pumptwin.dashboard.web;

import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.dashboard.view.AlertCard;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a button press into an {@link AlertCommand} on {@code pump.alert.commands.v1}, keyed by
 * pump serial, for the alerting service to apply. The dashboard does not change the alert itself:
 * the page shows the new state when alerting publishes it, so what a nurse sees is what alerting
 * decided (it may refuse, for example a silence that ends in the past).
 */
final class AlertCommands {
  private static final Logger LOG = LoggerFactory.getLogger(AlertCommands.class);

  /** A command that could not be written; the person is told to try again. */
  static final class CommandNotSent extends RuntimeException {
    CommandNotSent(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final KafkaProducer<String, AlertCommand> producer;
  private final String topic;
  private final Clock clock;

  AlertCommands(KafkaProducer<String, AlertCommand> producer, String topic, Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
  }

  /** Writes the command and waits for the broker's acknowledgement (acks=all); returns its id. */
  String send(AlertCard alert, StaffMember who, AlertAction action, String reason, Duration silenceFor) {
    Instant issuedAt = clock.instant();
    String commandId = UUID.randomUUID().toString();
    AlertCommand command = AlertCommand.newBuilder()
        .setCommandId(commandId)
        .setPumpSerial(alert.pumpSerial())
        .setAlertType(AlertType.valueOf(alert.alertType()))
        .setAction(action)
        .setUserId(who.userId())
        .setRole(who.role())
        .setClinicId(alert.clinicId())
        .setReason(reason == null || reason.isBlank() ? null : reason.strip())
        .setSilenceUntil(silenceFor == null ? null : issuedAt.plus(silenceFor))
        .setIssuedAt(issuedAt)
        .build();
    try {
      producer.send(new ProducerRecord<>(topic, alert.pumpSerial(), command)).get(15, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new CommandNotSent("the command could not be delivered to Kafka; try again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandNotSent("interrupted while sending the command", e);
    }
    LOG.info("event=alert_command_sent command_id={} action={} alert_id={} pump={} alert_type={} user={} role={}",
        commandId, action, alert.alertId(), alert.pumpSerial(), alert.alertType(), who.userId(), who.role());
    return commandId;
  }
}
