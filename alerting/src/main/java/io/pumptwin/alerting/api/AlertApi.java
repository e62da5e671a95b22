package io.pumptwin.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pumptwin.alerting.notify.AlertMessage;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertType;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.service.http.HttpRoutes;
import io.pumptwin.service.security.TlsSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert API: commands (acknowledge, silence, unsilence, resolve) into
 * {@code pump.alert.commands.v1}, the open alerts, and a live stream of alert events (server-sent
 * events). Every request carries an API token; everything a caller sees or acts on is limited to
 * the clinics of the token, and an alert of another clinic answers 404, as if it did not exist.
 *
 * <pre>
 *   GET  /v1/alerts                                   open alerts of the caller's clinics
 *   GET  /v1/alerts/stream                            live alert events (SSE), same filter
 *   POST /v1/alerts/{pumpSerial}/{alertType}/{action} action: acknowledge|silence|unsilence|resolve
 *        body {"reason": "...", "silenceUntil": "2026-03-01T18:00:00Z"}
 *   GET  /metrics, /health                            no token
 * </pre>
 */
public final class AlertApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertApi.class);
  private static final String STAFF = "staff";

  private final ApiAccess access;
  private final OpenAlertsView view;
  private final KafkaProducer<String, AlertCommand> commands;
  private final Topic<AlertCommand> commandTopic;
  private final MeterRegistry meters;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private Javalin app;

  private record Subscriber(ApiAccess.Staff staff, SseClient client) {}

  public AlertApi(ApiAccess access, OpenAlertsView view, KafkaProducer<String, AlertCommand> commands,
      Topic<AlertCommand> commandTopic, MeterRegistry meters, Clock clock) {
    this.access = access;
    this.view = view;
    this.commands = commands;
    this.commandTopic = commandTopic;
    this.meters = meters;
    this.clock = clock;
    view.subscribe(this::broadcast);
  }

  public int start(String host, int port) {
    return start(host, port, null);
  }

  /** @param tls HTTPS only when given; null serves plain HTTP */
  public int start(String host, int port, TlsSettings tls) {
    app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      if (tls != null) {
        tls.serveOn(cfg, host, port);
      }
    });
    app.before("/v1/*", this::authenticate);
    app.get("/health", ctx -> ctx.result("ok"));
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
        .result(meters instanceof PrometheusMeterRegistry p ? p.scrape() : ""));
    app.get("/v1/alerts", this::listOpen);
    app.sse("/v1/alerts/stream", this::stream);
    app.post("/v1/alerts/{pumpSerial}/{alertType}/{action}", this::command);
    app.start(host, port);
    return app.port();
  }

  /**
   * Every HTTP route this service serves, as {@code "GET /path"}: the security tests check that each
   * one is guarded (or deliberately open), so a route added later cannot slip past them.
   */
  public synchronized java.util.List<String> routes() {
    return HttpRoutes.of(app);
  }

  private void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim()
        // Browsers' EventSource cannot set headers: the live stream also takes the token as a parameter.
        : ctx.queryParam("access_token");
    Optional<ApiAccess.Staff> staff = access.authenticate(token);
    if (staff.isEmpty()) {
      meters.counter("alerting.api.denied", "reason", "unauthenticated").increment();
      throw new io.javalin.http.UnauthorizedResponse("a valid API token is required");
    }
    ctx.attribute(STAFF, staff.get());
  }

  private void listOpen(Context ctx) {
    ApiAccess.Staff staff = ctx.attribute(STAFF);
    ArrayNode out = json.createArrayNode();
    view.all().stream().filter(a -> staff.maySee(a.getClinicId()))
        .sorted(Comparator.comparing(AlertEvent::getSeverity).reversed()
            .thenComparing(AlertEvent::getOpenedAt))
        .forEach(a -> out.add(AlertMessage.json(json, a)));
    ctx.contentType("application/json").result(out.toString());
  }

  private void stream(SseClient client) {
    ApiAccess.Staff staff = client.ctx().attribute(STAFF);
    Subscriber s = new Subscriber(staff, client);
    client.keepAlive();
    client.onClose(() -> subscribers.remove(s));
    // A dashboard that connects first gets the open alerts it may see, then every change.
    for (AlertEvent a : view.all()) {
      if (staff.maySee(a.getClinicId())) {
        send(client, "snapshot", a);
      }
    }
    subscribers.add(s);
    meters.counter("alerting.sse.connections").increment();
  }

  private void broadcast(AlertEvent a) {
    for (Subscriber s : subscribers) {
      if (s.staff().maySee(a.getClinicId())) {
        send(s.client(), "alert", a);
      }
    }
  }

  private void send(SseClient client, String event, AlertEvent a) {
    if (client.terminated()) {
      return;
    }
    client.sendEvent(event, AlertMessage.json(json, a).toString(),
        a.getAlertId() + "/" + a.getTransition() + "/" + a.getEventTime().toEpochMilli());
  }

  private void command(Context ctx) throws IOException {
    ApiAccess.Staff staff = ctx.attribute(STAFF);
    AlertAction action;
    AlertType type;
    try {
      action = AlertAction.valueOf(ctx.pathParam("action").toUpperCase());
      type = AlertType.valueOf(ctx.pathParam("alertType").toUpperCase());
    } catch (IllegalArgumentException e) {
      reject(ctx, 400, "unknown action or alert type");
      return;
    }
    if (!staff.mayAct()) {
      meters.counter("alerting.api.denied", "reason", "role").increment();
      log.info("event=alerting.api_denied user={} role={} action={}", staff.userId(), staff.role(), action);
      reject(ctx, 403, "role " + staff.role() + " may not " + action);
      return;
    }
    String serial = ctx.pathParam("pumpSerial");
    Optional<AlertEvent> alert = view.get(serial, type).filter(a -> staff.maySee(a.getClinicId()));
    if (alert.isEmpty()) {
      reject(ctx, 404, "no open " + type + " alert for pump " + serial + " in your clinics");
      return;
    }
    JsonNode body = ctx.body().isBlank() ? json.createObjectNode() : json.readTree(ctx.body());
    String reason = body.path("reason").asText(null);
    Instant until = null;
    if (action == AlertAction.SILENCE) {
      try {
        until = Instant.parse(body.path("silenceUntil").asText(""));
      } catch (DateTimeParseException e) {
        reject(ctx, 400, "silenceUntil must be an ISO-8601 instant, e.g. 2026-03-01T18:00:00Z");
        return;
      }
    }
    if ((action == AlertAction.SILENCE || action == AlertAction.RESOLVE) && (reason == null || reason.isBlank())) {
      reject(ctx, 400, action + " needs a reason");
      return;
    }
    AlertCommand command = AlertCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setPumpSerial(serial)
        .setAlertType(type)
        .setAction(action)
        .setUserId(staff.userId())
        .setRole(staff.role())
        .setClinicId(alert.get().getClinicId())
        .setReason(reason)
        .setSilenceUntil(until)
        .setIssuedAt(clock.instant())
        .build();
    try {
      // Stamped with the alert's own event time, not the wall clock: stream time is the twin's clock
      // (escalation deadlines run on it), and a command must not move it, or a replay or a
      // simulation running in its own time would see every deadline fire at once.
      commands.send(new ProducerRecord<>(commandTopic.name(), null,
          alert.get().getEventTime().toEpochMilli(), serial, command)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reject(ctx, 503, "interrupted");
      return;
    } catch (ExecutionException e) {
      log.warn("event=alerting.command_not_written error=\"{}\"", e.getCause().toString());
      reject(ctx, 503, "command could not be written; try again");
      return;
    }
    meters.counter("alerting.api.commands", "action", action.toString()).increment();
    log.info("event=alerting.command_accepted command={} user={} pump={} type={} action={}",
        command.getCommandId(), staff.userId(), serial, type, action);
    ctx.status(202).contentType("application/json").result(json.writeValueAsString(
        Map.of("commandId", command.getCommandId(), "alertId", alert.get().getAlertId())));
  }

  private void reject(Context ctx, int status, String message) {
    ctx.status(status).contentType("application/json").result(json.createObjectNode()
        .put("error", message).toString());
  }

  @Override
  public void close() {
    for (Subscriber s : subscribers) {
      s.client().close();
    }
    if (app != null) {
      app.stop();
    }
  }
}
