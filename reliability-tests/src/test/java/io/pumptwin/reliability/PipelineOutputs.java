package io.pumptwin.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.DeliveryOutcome;
import io.pumptwin.events.NotificationRecord;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Everything a run of the pipeline left behind, read once it has processed all its input: the
 * telemetry stored, the twins (query API and latest state per pump on {@code pump.twin.state.v1}),
 * twin events, alerts, notification records and webhook deliveries, each reduced to keys that are
 * equal across two runs over the same input.
 */
record PipelineOutputs(
    List<ConsumerRecord<String, TelemetryEnvelope>> telemetry,
    JsonNode fleet,
    Map<String, String> latestStates,
    List<String> twinEvents,
    List<String> alerts,
    List<String> deliveredNotifications,
    List<String> deliveredNotificationIds,
    List<WebhookReceiver.Delivery> webhookDeliveries) {

  List<String> telemetryIds() {
    return telemetry.stream().map(r -> r.value().getEventId()).toList();
  }

  /** Webhook deliveries, one per CloudEvent id: what the on-call team was told. */
  List<String> distinctWebhookNotifications() {
    Map<String, String> byId = new TreeMap<>();
    webhookDeliveries.forEach(d -> byId.putIfAbsent(d.id(), d.about()));
    return List.copyOf(byId.values());
  }

  /** Deliveries beyond the first of an id: a receiver drops them by the CloudEvent id. */
  int webhookRedeliveries() {
    return webhookDeliveries.size() - (int) webhookDeliveries.stream().map(WebhookReceiver.Delivery::id)
        .distinct().count();
  }

  /**
   * Waits until the twin engine, alerting and the notifier have processed everything upstream of
   * them, then reads what they wrote. {@code alertingAppId} may be null for a twin-only run.
   */
  static PipelineOutputs await(String bootstrap, TopicRegistry topics, String twinAppId, int twinPort,
      String alertingAppId, WebhookReceiver hooks, Duration timeout) throws Exception {
    var telemetry = TopicContents.readAll(bootstrap, Topics.TELEMETRY.name(),
        topics.topic(Topics.TELEMETRY).valueSerde().deserializer());
    Awaiting.until("twin engine processed all telemetry", timeout,
        () -> TopicContents.processedAll(bootstrap, twinAppId, Topics.TELEMETRY.name(), telemetry),
        () -> "committed " + TopicContents.committed(bootstrap, twinAppId));
    var twinEvents = TopicContents.readAll(bootstrap, Topics.TWIN_EVENTS.name(),
        topics.topic(Topics.TWIN_EVENTS).valueSerde().deserializer());
    var states = TopicContents.readAll(bootstrap, Topics.TWIN_STATE.name(),
        topics.topic(Topics.TWIN_STATE).valueSerde().deserializer());
    Map<String, String> latest = new TreeMap<>();
    for (ConsumerRecord<String, TwinState> s : states) {
      latest.put(s.key(), s.value() == null ? "(tombstone)" : s.value().toString());
    }
    JsonNode fleet = TwinQuery.fleet(twinPort);
    List<String> twinEventIds = twinEvents.stream().map(r -> r.value().getEventId()).toList();
    if (alertingAppId == null) {
      return new PipelineOutputs(telemetry, fleet, latest, twinEventIds, List.of(), List.of(), List.of(),
          List.of());
    }
    Awaiting.until("alerting processed all twin events", timeout,
        () -> TopicContents.processedAll(bootstrap, alertingAppId, Topics.TWIN_EVENTS.name(), twinEvents),
        () -> "committed " + TopicContents.committed(bootstrap, alertingAppId));
    List<ConsumerRecord<String, AlertEvent>> alerts = TopicContents.readAll(bootstrap, Topics.ALERTS.name(),
        topics.topic(Topics.ALERTS).valueSerde().deserializer());
    Awaiting.until("the notifier processed all alerts", timeout,
        () -> TopicContents.processedAll(bootstrap, alertingAppId + "-notifier", Topics.ALERTS.name(), alerts),
        () -> "committed " + TopicContents.committed(bootstrap, alertingAppId + "-notifier"));
    List<ConsumerRecord<String, NotificationRecord>> notifications = TopicContents.readAll(bootstrap,
        Topics.NOTIFICATIONS.name(), topics.topic(Topics.NOTIFICATIONS).valueSerde().deserializer());
    List<NotificationRecord> delivered = notifications.stream().map(ConsumerRecord::value)
        .filter(n -> n.getOutcome() == DeliveryOutcome.DELIVERED).toList();
    return new PipelineOutputs(telemetry, fleet, latest, twinEventIds,
        alerts.stream().map(r -> alertKey(r.value())).toList(),
        delivered.stream().map(n -> n.getPumpSerial() + " " + n.getAlertType() + " " + n.getSeverity() + " "
            + n.getChannel() + " " + n.getRecipientId()).toList(),
        delivered.stream().map(NotificationRecord::getNotificationId).toList(),
        hooks.deliveries());
  }

  /** An alert transition by pump, type, transition and event time: equal across runs. */
  static String alertKey(AlertEvent a) {
    return a.getPumpSerial() + " " + a.getAlertType() + " " + a.getTransition() + " " + a.getEventTime()
        + " level=" + a.getEscalationLevel() + " " + a.getSeverity();
  }
}
