package io.pumptwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.dashboard.view.ViewLimits;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's meters, in the registry it is given (the alerting image gives it alerting's): browsers on the
 * live stream come and go on {@code dashboard.sse.clients}, what is written to them counts in
 * {@code dashboard.events.pushed}, what the feed reads in {@code dashboard.feed.records}, and the feed's Kafka
 * consumer brings its own client metrics. Real broker and registry; the browser is a raw SSE connection.
 */
@RealKafka
class DashboardMetricsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String CLINIC = "clinic-metrics";
  private static final String TOKEN = "metrics-test-token-" + UUID.randomUUID();

  @Test
  void streamClientsPushesFeedRecordsAndTheConsumersClientMetricsGoToTheGivenRegistry(RealStack stack)
      throws Exception {
    MeterRegistry meters = new SimpleMeterRegistry();
    DashboardConfig config = new DashboardConfig(stack.bootstrapServers(), "127.0.0.1", 0,
        new StaffDirectory(Map.of(StaffDirectory.sha256(TOKEN),
            new StaffMember("staff-metrics-1", StaffRole.VIEWER, Set.of(CLINIC)))),
        ViewLimits.defaults(), Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofSeconds(1), Map.of());
    Instant now = Instant.now();
    String serial = "MET" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 1_000_000);
    PumpScenarioAccess pump = new PumpScenarioAccess(serial, CLINIC, now, false, false,
        DeliveryStatus.STOPPED, RiskLevel.URGENT);

    try (DashboardService dashboard = new DashboardService(config, stack.topicRegistry(), Clock.systemUTC(), meters);
        KafkaProducer<String, TwinState> twins = stack.producer(Topics.TWIN_STATE);
        KafkaProducer<String, AlertEvent> alerts = stack.producer(Topics.ALERTS)) {
      dashboard.start();
      assertThat(dashboard.meters()).isSameAs(meters);
      assertThat(gauge(meters, "dashboard.sse.clients")).isZero();
      assertThat(pushed(meters, "snapshot")).isZero();
      // The stack is shared with other test classes: what the feed read before this test is the baseline.
      double alertsApplied = feed(meters, Topics.ALERTS.name(), "applied");
      double alertsRejected = feed(meters, Topics.ALERTS.name(), "rejected");

      // A browser of the pump's clinic connects: one client, one snapshot.
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + dashboard.port() + "/api/alerts/stream"))
          .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
          in.lines().forEach(lines::add);
        } catch (Exception closed) {
          // the test closed the connection
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
      await("subscribed").atMost(PATIENCE).until(() -> gauge(meters, "dashboard.sse.clients") == 1.0);
      assertThat(pushed(meters, "snapshot")).isEqualTo(1.0);

      // An alert of that clinic: read by the feed, pushed to the one browser.
      for (TwinState s : pump.twinStates()) {
        twins.send(new ProducerRecord<>(Topics.TWIN_STATE.name(), serial, s)).get();
      }
      alerts.send(new ProducerRecord<>(Topics.ALERTS.name(), serial, pump.alert(UUID.randomUUID().toString(),
          AlertType.PUMP_CRITICAL_ALARM, AlertStatus.OPEN, Severity.CRITICAL, now))).get();
      await("alert pushed").atMost(PATIENCE).until(() -> lines.contains("event: alert"));
      assertThat(pushed(meters, "alert")).isEqualTo(1.0);
      assertThat(feed(meters, Topics.ALERTS.name(), "applied")).isEqualTo(alertsApplied + 1);
      assertThat(feed(meters, Topics.TWIN_STATE.name(), "applied")).isGreaterThanOrEqualTo(pump.twinStates().size());
      assertThat(feed(meters, Topics.ALERTS.name(), "rejected")).isEqualTo(alertsRejected);

      // The feed consumer's own client metrics, told apart by its client id.
      await("consumer client metrics").atMost(PATIENCE).until(() -> meters.find("kafka.consumer.fetch.manager.records.lag.max")
          .tag("client.id", "pumptwin-dashboard-feed").meters().size() > 0);

      // The browser goes away: the next heartbeat finds it gone.
      stream.body().close();
      await("unsubscribed").atMost(PATIENCE).until(() -> gauge(meters, "dashboard.sse.clients") == 0.0);
    }
  }

  private static double gauge(MeterRegistry meters, String name) {
    return meters.get(name).gauge().value();
  }

  private static double pushed(MeterRegistry meters, String event) {
    return meters.get("dashboard.events.pushed").tag("event", event).counter().count();
  }

  private static double feed(MeterRegistry meters, String topic, String outcome) {
    return meters.get("dashboard.feed.records").tag("topic", topic).tag("outcome", outcome).counter().count();
  }
}
