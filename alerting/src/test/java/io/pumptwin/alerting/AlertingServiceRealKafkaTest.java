package io.pumptwin.alerting;

import static io.pumptwin.alerting.TestEvents.twinEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.alerting.notify.NotificationDispatcher;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.notify.SmtpSettings;
import io.pumptwin.alerting.notify.WebhookChannel;
import io.pumptwin.alerting.notify.EmailChannel;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.DeliveryOutcome;
import io.pumptwin.events.NotificationChannel;
import io.pumptwin.events.NotificationRecord;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The alerting service end to end against the real broker and registry, a real HTTP receiver and
 * a real SMTP server: twin events in, alerts, webhooks, e-mail, commands, live stream out.
 */
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Stream time is shared by all pumps of a partition and only moves forward: each test lives in its
// own later day, so one test's clock never fires another's deadlines while that test still runs.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertingServiceRealKafkaTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String SECRET_A = "secret-a";
  static final String TOKEN_ONCALL_A = "tok-oncall-a";
  static final String TOKEN_VIEWER_A = "tok-viewer-a";
  static final String TOKEN_ONCALL_B = "tok-oncall-b";

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  RealStack stack;
  WebhookReceiver receiver;
  GreenMail smtp;
  AlertingConfig config;
  AlertingService service;
  KafkaProducer<String, TwinEvent> twinEvents;

  @BeforeAll
  void start(RealStack stack) throws Exception {
    this.stack = stack;
    receiver = new WebhookReceiver();
    int smtpPort = FreePorts.pick(1)[0];
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    List<List<String>> chainA = List.of(List.of("hook-a", "mail-a"), List.of("mail-a-lead"));
    List<List<String>> chainB = List.of(List.of("hook-b-flaky", "hook-b-broken"));
    OnCallRouting routing = new OnCallRouting(Map.of(
        "hook-a", new OnCallRouting.WebhookRecipient("hook-a", receiver.endpoint("/a", 0, 200), SECRET_A),
        "mail-a", new OnCallRouting.EmailRecipient("mail-a", "oncall-a@clinic-a.test"),
        "mail-a-lead", new OnCallRouting.EmailRecipient("mail-a-lead", "lead-a@clinic-a.test"),
        "hook-b-flaky", new OnCallRouting.WebhookRecipient("hook-b-flaky", receiver.endpoint("/b-flaky", 2, 503), "s-b"),
        "hook-b-broken", new OnCallRouting.WebhookRecipient("hook-b-broken", receiver.endpoint("/b-broken", 1000, 500), "s-b")),
        Map.of(
            "clinic-a", rota(chainA),
            "clinic-b", rota(chainB)));
    ApiAccess access = new ApiAccess(Map.of(
        ApiAccess.sha256(TOKEN_ONCALL_A), new ApiAccess.Staff("nurse-a1", StaffRole.ON_CALL, Set.of("clinic-a")),
        ApiAccess.sha256(TOKEN_VIEWER_A), new ApiAccess.Staff("viewer-a1", StaffRole.VIEWER, Set.of("clinic-a")),
        ApiAccess.sha256(TOKEN_ONCALL_B), new ApiAccess.Staff("nurse-b1", StaffRole.ON_CALL, Set.of("clinic-b"))));
    Map<String, Object> streams = stack.streamsConfig("alerting");
    config = TestEvents.config(stack.bootstrapServers(), (String) streams.get("application.id"),
        Path.of((String) streams.get("state.dir")),
        access, routing, SmtpSettings.plain("127.0.0.1", smtpPort, "alerts@pumptwin.test"),
        new RetryPolicy(3, Duration.ofMillis(50), 2.0, Duration.ofSeconds(1)));
    service = new AlertingService(config, stack.topicRegistry());
    service.start();
    twinEvents = stack.producer(Topics.TWIN_EVENTS);
    awaitTrue("streams running", () -> service.streamsState() == KafkaStreams.State.RUNNING);
  }

  static OnCallRouting.ClinicRota rota(List<List<String>> chain) {
    return new OnCallRouting.ClinicRota(java.time.ZoneId.of("Europe/Berlin"), Severity.MEDIUM,
        List.of(new OnCallRouting.Shift("all-day", Set.of(), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, chain)));
  }

  @AfterAll
  void stop() {
    if (twinEvents != null) {
      twinEvents.close();
    }
    if (service != null) {
      service.close();
    }
    smtp.stop();
    receiver.close();
  }

  void send(TwinEvent e) throws Exception {
    twinEvents.send(new ProducerRecord<>(Topics.TWIN_EVENTS.name(), null, e.getEventTime().toEpochMilli(),
        e.getPumpSerial(), e)).get();
  }

  static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100); // polling interval of a bounded wait, not a timing guess
    }
  }

  /** Reads a topic until {@code count} records match or the wait ends; returns the matches. */
  static <V> List<V> collect(KafkaConsumer<String, V> consumer, List<V> sink, Predicate<V> match, int count) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (sink.stream().filter(match).count() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(r -> sink.add(r.value()));
    }
    return sink.stream().filter(match).toList();
  }

  HttpResponse<String> post(String token, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.apiPort() + path))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String token, String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.apiPort() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void aStoppedHighDosePumpReachesOnCallByWebhookAndEmailAndAcknowledgingStopsEscalation() throws Exception {
    String serial = stack.uniqueId("SN-E2E");
    Instant t0 = Instant.parse("2026-06-01T09:00:00Z");
    try (KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS);
         KafkaConsumer<String, NotificationRecord> notes = stack.consumer(Topics.NOTIFICATIONS)) {
      List<AlertEvent> seen = new ArrayList<>();
      List<NotificationRecord> noted = new ArrayList<>();
      send(twinEvent(serial, "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
          RiskLevel.URGENT, 650, t0));

      AlertEvent opened = collect(alerts, seen, a -> a.getPumpSerial().equals(serial), 1).get(0);
      assertThat(opened.getTransition()).isEqualTo(AlertTransition.OPENED);
      assertThat(opened.getSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(opened.getEvidence()).isNotEmpty();

      // Webhook: a CloudEvent, signed with the endpoint's secret.
      awaitTrue("webhook", () -> receiver.received("/a").stream().anyMatch(r -> r.body().contains(serial)));
      WebhookReceiver.Received hook = receiver.received("/a").stream()
          .filter(r -> r.body().contains(serial)).findFirst().orElseThrow();
      assertThat(hook.header("Content-Type")).startsWith("application/cloudevents+json");
      JsonNode ce = json.readTree(hook.body());
      assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
      assertThat(ce.get("type").asText()).isEqualTo("io.pumptwin.alert.opened");
      assertThat(ce.get("subject").asText()).isEqualTo(serial);
      assertThat(ce.at("/data/severity").asText()).isEqualTo("CRITICAL");
      assertThat(ce.at("/data/twinValues/hoursSinceDeliveryStopped").asDouble()).isEqualTo(3.0);
      String sig = hook.header(WebhookChannel.SIGNATURE_HEADER);
      long t = Long.parseLong(sig.substring(2, sig.indexOf(',')));
      assertThat(sig).isEqualTo(WebhookChannel.signature(SECRET_A, t, hook.body()));
      assertThat(sig).isNotEqualTo(WebhookChannel.signature("wrong", t, hook.body()));

      // E-mail through a real SMTP server.
      awaitTrue("e-mail", () -> messagesFor(serial, "oncall-a@clinic-a.test") >= 1);
      MimeMessage mail = find(serial, "oncall-a@clinic-a.test");
      assertThat(mail.getSubject()).contains("[CRITICAL]").contains(serial);
      assertThat((String) mail.getContent()).contains("motor stall logged by the pump")
          .contains("hoursSinceDeliveryStopped");

      // Every attempt on the audit trail.
      List<NotificationRecord> delivered = collect(notes, noted, n -> n.getPumpSerial().equals(serial)
          && n.getOutcome() == DeliveryOutcome.DELIVERED, 2);
      assertThat(delivered).extracting(NotificationRecord::getChannel)
          .containsExactlyInAnyOrder(NotificationChannel.WEBHOOK, NotificationChannel.EMAIL);

      // A viewer cannot acknowledge; another clinic cannot even see it; on-call of clinic-a can.
      String path = "/v1/alerts/" + serial + "/UNDERDOSE_WITHDRAWAL_RISK/acknowledge";
      assertThat(post(TOKEN_VIEWER_A, path, "{\"reason\":\"seen\"}").statusCode()).isEqualTo(403);
      assertThat(post(TOKEN_ONCALL_B, path, "{\"reason\":\"seen\"}").statusCode()).isEqualTo(404);
      assertThat(post("nonsense", path, "{}").statusCode()).isEqualTo(401);
      HttpResponse<String> ack = post(TOKEN_ONCALL_A, path, "{\"reason\":\"calling the patient\"}");
      assertThat(ack.statusCode()).isEqualTo(202);

      AlertEvent acked = collect(alerts, seen, a -> a.getPumpSerial().equals(serial)
          && a.getTransition() == AlertTransition.ACKNOWLEDGED, 1).get(0);
      assertThat(acked.getActor()).isEqualTo("nurse-a1");
      assertThat(acked.getReason()).isEqualTo("calling the patient");

      // Two hours of stream time later nothing escalated; then the twin clears it.
      send(twinEvent(serial, "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
          RiskLevel.NONE, 650, t0.plus(Duration.ofHours(2))));
      send(twinEvent(serial, "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.CLEARED,
          RiskLevel.NONE, 650, t0.plus(Duration.ofHours(3))));
      List<AlertEvent> all = collect(alerts, seen, a -> a.getPumpSerial().equals(serial), 3);
      assertThat(all).extracting(AlertEvent::getTransition).containsExactly(
          AlertTransition.OPENED, AlertTransition.ACKNOWLEDGED, AlertTransition.RESOLVED);
      assertThat(all.get(2).getStatus()).isEqualTo(AlertStatus.RESOLVED);
    }
  }

  @Test
  @Order(2)
  void nobodyAcknowledgesSoStreamTimeEscalatesToTheNextLevelOfTheChain() throws Exception {
    String serial = stack.uniqueId("SN-ESC");
    Instant t0 = Instant.parse("2026-06-02T22:00:00Z");
    try (KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS)) {
      List<AlertEvent> seen = new ArrayList<>();
      send(twinEvent(serial, "clinic-a", TwinEventType.PUMP_CRITICAL_ALARM, TwinEventTransition.RAISED,
          RiskLevel.URGENT, 500, t0));
      // Stream time is per partition: a later record of the same pump moves it.
      send(twinEvent(serial, "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
          RiskLevel.NONE, 500, t0.plus(Duration.ofMinutes(16))));
      send(twinEvent(serial, "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
          RiskLevel.NONE, 500, t0.plus(Duration.ofMinutes(31))));

      List<AlertEvent> events = collect(alerts, seen, a -> a.getPumpSerial().equals(serial), 3);
      assertThat(events).extracting(AlertEvent::getTransition).containsExactly(
          AlertTransition.OPENED, AlertTransition.RENOTIFIED, AlertTransition.ESCALATED);
      assertThat(events.get(2).getEventTime()).isEqualTo(t0.plus(Duration.ofMinutes(30)));
      assertThat(events.get(2).getEscalationLevel()).isEqualTo(1);
      awaitTrue("e-mail to the escalation lead", () -> messagesFor(serial, "lead-a@clinic-a.test") >= 1);
      // Level 0 was told twice (opened, renotified), the lead once.
      awaitTrue("level-0 e-mails", () -> messagesFor(serial, "oncall-a@clinic-a.test") >= 2);
      assertThat(messagesFor(serial, "lead-a@clinic-a.test")).isEqualTo(1);
    }
  }

  @Test
  @Order(3)
  void aFailingWebhookIsRetriedWithBackoffThenDeadLettered() throws Exception {
    String serial = stack.uniqueId("SN-HOOK");
    Instant t0 = Instant.parse("2026-06-03T10:00:00Z");
    try (KafkaConsumer<String, NotificationRecord> notes = stack.consumer(Topics.NOTIFICATIONS)) {
      List<NotificationRecord> noted = new ArrayList<>();
      send(twinEvent(serial, "clinic-b", TwinEventType.CATHETER_FAULT_SUSPECTED,
          TwinEventTransition.RAISED, RiskLevel.LIKELY, 300, t0));

      List<NotificationRecord> flaky = collect(notes, noted, n -> n.getPumpSerial().equals(serial)
          && n.getRecipientId().equals("hook-b-flaky"), 3);
      assertThat(flaky).extracting(NotificationRecord::getOutcome).containsExactly(
          DeliveryOutcome.RETRYING, DeliveryOutcome.RETRYING, DeliveryOutcome.DELIVERED);
      assertThat(flaky).extracting(NotificationRecord::getAttempt).containsExactly(1, 2, 3);
      assertThat(flaky.get(0).getStatusCode()).isEqualTo(503);

      List<NotificationRecord> broken = collect(notes, noted, n -> n.getPumpSerial().equals(serial)
          && n.getRecipientId().equals("hook-b-broken"), 3);
      assertThat(broken).extracting(NotificationRecord::getOutcome).containsExactly(
          DeliveryOutcome.RETRYING, DeliveryOutcome.RETRYING, DeliveryOutcome.DEAD_LETTERED);
      assertThat(broken.get(2).getStatusCode()).isEqualTo(500);
      // The same CloudEvent id on every retry: receivers can de-duplicate.
      List<String> ids = receiver.received("/b-flaky").stream().filter(r -> r.body().contains(serial))
          .map(r -> { try { return json.readTree(r.body()).get("id").asText(); } catch (Exception e) { throw new AssertionError(e); } })
          .distinct().toList();
      assertThat(ids).hasSize(1);
    }
  }

  @Test
  @Order(4)
  void theApiAndTheLiveStreamShowEachClinicOnlyItsOwnPumps() throws Exception {
    String serialA = stack.uniqueId("SN-SSE-A");
    String serialB = stack.uniqueId("SN-SSE-B");
    Instant t0 = Instant.parse("2026-06-04T10:00:00Z");
    URI streamUri = URI.create("http://127.0.0.1:" + service.apiPort() + "/v1/alerts/stream");
    assertThat(get(null, "/v1/alerts/stream").statusCode()).isEqualTo(401);
    try (SseReader a = new SseReader(streamUri, TOKEN_VIEWER_A);
         SseReader b = new SseReader(streamUri, TOKEN_ONCALL_B)) {
      awaitTrue("streams connected", () -> a.status() == 200 && b.status() == 200);
      send(twinEvent(serialA, "clinic-a", TwinEventType.OVERDOSE_RISK, TwinEventTransition.RAISED,
          RiskLevel.LIKELY, 300, t0));
      send(twinEvent(serialB, "clinic-b", TwinEventType.OVERDOSE_RISK, TwinEventTransition.RAISED,
          RiskLevel.LIKELY, 300, t0));

      awaitTrue("clinic-a stream", () -> a.data().stream().anyMatch(d -> d.contains(serialA)));
      awaitTrue("clinic-b stream", () -> b.data().stream().anyMatch(d -> d.contains(serialB)));
      assertThat(a.data()).noneMatch(d -> d.contains("clinic-b"));
      assertThat(b.data()).noneMatch(d -> d.contains("clinic-a"));

      String listA = get(TOKEN_VIEWER_A, "/v1/alerts").body();
      String listB = get(TOKEN_ONCALL_B, "/v1/alerts").body();
      assertThat(listA).contains(serialA).doesNotContain(serialB);
      assertThat(listB).contains(serialB).doesNotContain(serialA);
    }
  }

  @Test
  @Order(5)
  void poisonTwinEventsAreDeadLetteredAndAlertsKeepFlowing() throws Exception {
    String serial = stack.uniqueId("SN-POISON");
    Instant t0 = Instant.parse("2026-06-05T10:00:00Z");
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(stack.producerConfig(),
        new StringSerializer(), new ByteArraySerializer());
         KafkaConsumer<String, DeadLetter> dlq = stack.consumer(Topics.TELEMETRY_DLQ);
         KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS)) {
      raw.send(new ProducerRecord<>(Topics.TWIN_EVENTS.name(), serial,
          "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
      send(twinEvent(serial, "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
          RiskLevel.WATCH, 300, t0));

      List<DeadLetter> letters = collect(dlq, new ArrayList<>(), d -> serial.equals(d.getPumpSerial()), 1);
      assertThat(letters).singleElement().satisfies(d -> {
        assertThat(d.getStage()).isEqualTo("alerting");
        assertThat(d.getReasonCode()).isEqualTo("UNDECODABLE");
        assertThat(StandardCharsets.UTF_8.decode(d.getRawValue()).toString()).isEqualTo("not avro at all");
      });
      assertThat(collect(alerts, new ArrayList<>(), a -> a.getPumpSerial().equals(serial), 1))
          .singleElement().satisfies(a -> assertThat(a.getSeverity()).isEqualTo(Severity.LOW));
    }
  }

  @Test
  @Order(6)
  void aRestartedOrReplayingNotifierSendsNothingTwice() throws Exception {
    String serial = stack.uniqueId("SN-RESTART");
    Instant t0 = Instant.parse("2026-06-06T10:00:00Z");
    send(twinEvent(serial, "clinic-a", TwinEventType.REFILL_URGENT, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, t0));
    awaitTrue("first webhook", () -> countHooks(serial) == 1);
    awaitTrue("first e-mail", () -> messagesFor(serial, "oncall-a@clinic-a.test") == 1);

    // A notifier that has lost its offsets (or crashed before committing) re-reads every alert from
    // the start of the topic: the ledger read from pump.notifications.v1 keeps it from re-sending.
    NotificationDispatcher replaying = new NotificationDispatcher(stack.bootstrapServers(),
        stack.uniqueId("replaying-notifier"), stack.topicRegistry(), config.routing(),
        config.deliveryRetry(), new WebhookChannel(Duration.ofSeconds(5), Clock.systemUTC()),
        new EmailChannel(config.smtp()), new SimpleMeterRegistry(), Clock.systemUTC());
    String later = stack.uniqueId("SN-AFTER");
    try {
      replaying.start();
      // A new alert is still delivered (once per notifier group that reads it; here both read it,
      // and the ledger is shared through the topic only at start, so send it after both started).
      send(twinEvent(later, "clinic-a", TwinEventType.REFILL_URGENT, TwinEventTransition.RAISED,
          RiskLevel.URGENT, 300, t0));
      awaitTrue("new alert webhook", () -> countHooks(later) >= 1);
      // Give the replaying notifier time to work through the whole topic; it is polling a topic
      // of a few hundred records, so when its group has committed past the end it has finished.
      awaitTrue("replay finished", () -> replayCaughtUp(replaying));
    } finally {
      replaying.close();
    }
    assertThat(countHooks(serial)).isEqualTo(1);
    assertThat(messagesFor(serial, "oncall-a@clinic-a.test")).isEqualTo(1);

    // A full restart of the service: nothing already sent is sent again. The stopped service has left its consumer
    // group (StreamsStartup.close), so the restarted one is given the tasks at once, not after the old member's
    // session (45 s by default) has expired.
    service.close();
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      String group = config.applicationId();
      assertThat(admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()).isEmpty();
    }
    service = new AlertingService(config, stack.topicRegistry());
    service.start();
    String afterRestart = stack.uniqueId("SN-RESTARTED");
    send(twinEvent(afterRestart, "clinic-a", TwinEventType.REFILL_URGENT, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, t0));
    awaitTrue("webhook after restart", () -> countHooks(afterRestart) == 1);
    assertThat(countHooks(serial)).isEqualTo(1);
    assertThat(messagesFor(serial, "oncall-a@clinic-a.test")).isEqualTo(1);
  }

  @Test
  @Order(7)
  void anAlertReRaisedSoonAfterItWasResolvedIsShownButNotPagedAgain() throws Exception {
    String serial = stack.uniqueId("SN-FLAP");
    Instant t0 = Instant.parse("2026-06-07T10:00:00Z");
    try (KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS);
         KafkaConsumer<String, NotificationRecord> notes = stack.consumer(Topics.NOTIFICATIONS)) {
      List<AlertEvent> seen = new ArrayList<>();
      List<NotificationRecord> noted = new ArrayList<>();
      // The twin flaps around the ERI threshold: raised, cleared, raised again 40 min later.
      send(twinEvent(serial, "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
          RiskLevel.URGENT, 300, t0));
      send(twinEvent(serial, "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.CLEARED,
          RiskLevel.NONE, 300, t0.plus(Duration.ofHours(1))));
      send(twinEvent(serial, "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
          RiskLevel.URGENT, 300, t0.plus(Duration.ofMinutes(100))));

      List<AlertEvent> opened = collect(alerts, seen, a -> a.getPumpSerial().equals(serial)
          && a.getTransition() == AlertTransition.OPENED, 2);
      assertThat(opened).hasSize(2);
      assertThat(opened.get(0).getSeverity()).isEqualTo(Severity.MEDIUM);
      assertThat(opened.get(1).getReason()).startsWith(FlappingPolicy.NOT_PAGED)
          .contains(opened.get(0).getAlertId());

      // The first alert pages (clinic-a's minimum is MEDIUM); the re-raise is a SUPPRESSED record.
      awaitTrue("first alert paged", () -> countHooks(serial) == 1);
      NotificationRecord suppressed = collect(notes, noted, n -> n.getPumpSerial().equals(serial)
          && n.getOutcome() == DeliveryOutcome.SUPPRESSED, 1).get(0);
      assertThat(suppressed.getAlertId()).isEqualTo(opened.get(1).getAlertId());
      assertThat(suppressed.getError()).contains("re-raised 40 min after");
      // The notifier handles one alert at a time in order: the suppression written, nothing of
      // the second alert was or will be delivered.
      assertThat(noted).noneMatch(n -> n.getAlertId().equals(opened.get(1).getAlertId())
          && n.getOutcome() != DeliveryOutcome.SUPPRESSED);
      assertThat(countHooks(serial)).isEqualTo(1);
      assertThat(receiver.received("/a").stream().filter(r -> r.body().contains(serial)))
          .allMatch(r -> r.body().contains(opened.get(0).getAlertId()));
    }
  }

  boolean replayCaughtUp(NotificationDispatcher d) {
    return d.idle();
  }

  long countHooks(String serial) {
    return receiver.received("/a").stream().filter(r -> r.body().contains(serial)).count();
  }

  long messagesFor(String serial, String to) {
    return List.of(smtp.getReceivedMessages()).stream().filter(m -> {
      try {
        return m.getSubject().contains(serial) && m.getAllRecipients()[0].toString().equals(to);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).count();
  }

  MimeMessage find(String serial, String to) {
    return List.of(smtp.getReceivedMessages()).stream().filter(m -> {
      try {
        return m.getSubject().contains(serial) && m.getAllRecipients()[0].toString().equals(to);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).findFirst().orElseThrow();
  }
}
