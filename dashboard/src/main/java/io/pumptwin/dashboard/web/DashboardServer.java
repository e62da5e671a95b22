package io.pumptwin.dashboard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.SameSite;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.pumptwin.dashboard.access.SignInSessions;
import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.dashboard.view.AlertCard;
import io.pumptwin.dashboard.view.FleetFilter;
import io.pumptwin.dashboard.view.FleetView;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.service.http.HttpRoutes;
import io.pumptwin.service.security.TlsSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP face: static pages from the classpath (no CDN: the dashboard works on a
 * network with no way out) and a small JSON API over the {@link FleetView}. Every API call but
 * sign-in and health needs a signed-in person (session cookie, or {@code Authorization: Bearer
 * <token>} for scripts), and every answer is cut down to that person's clinics: a pump or alert of
 * another clinic answers 404, as if it did not exist.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  static final String SESSION_COOKIE = "pumptwin_session";
  private static final String STAFF = "staff";
  /** Silences are for planned work; longer than a week is a reason to resolve, not to silence. */
  private static final Duration LONGEST_SILENCE = Duration.ofDays(7);

  private final FleetView view;
  private final StaffDirectory staff;
  private final SignInSessions sessions;
  private final AlertCommands commands;
  private final AlertStream stream;
  private final Supplier<Map<String, Object>> health;
  private final ObjectMapper json;
  private Javalin app;
  private boolean secureCookie;

  DashboardServer(FleetView view, StaffDirectory staff, SignInSessions sessions,
      AlertCommands commands, AlertStream stream, ObjectMapper json,
      Supplier<Map<String, Object>> health) {
    this.view = view;
    this.staff = staff;
    this.sessions = sessions;
    this.commands = commands;
    this.stream = stream;
    this.json = json;
    this.health = health;
  }

  static ObjectMapper objectMapper() {
    return new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
        .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  int start(String host, int port) {
    return start(host, port, null);
  }

  /** @param tls HTTPS only when given (the session cookie is then Secure); null serves plain HTTP */
  int start(String host, int port, TlsSettings tls) {
    secureCookie = tls != null;
    app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      if (tls != null) {
        tls.serveOn(config, host, port);
      }
      config.jsonMapper(new JavalinJackson(json, false));
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/web";
        files.location = Location.CLASSPATH;
        files.headers = Map.of("Cache-Control", "no-cache");
      });
    });
    app.get("/", ctx -> ctx.redirect("/fleet.html"));
    app.get("/api/health", ctx -> ctx.json(health.get()));
    app.post("/api/session", this::signIn);
    app.delete("/api/session", this::signOut);
    app.before("/api/*", this::authenticate);
    app.get("/api/me", ctx -> ctx.json(me(ctx)));
    app.get("/api/fleet", this::fleet);
    app.get("/api/alerts", ctx -> ctx.json(view.unresolvedAlerts(me(ctx))));
    app.get("/api/pumps/{serial}", ctx -> ctx.json(view.story(ctx.pathParam("serial"), me(ctx))
        .orElseThrow(() -> new NotFoundResponse("no such pump in your clinics"))));
    app.post("/api/alerts/{alertId}/acknowledge", ctx -> command(ctx, AlertAction.ACKNOWLEDGE));
    app.post("/api/alerts/{alertId}/silence", ctx -> command(ctx, AlertAction.SILENCE));
    app.sse("/api/alerts/stream", client -> stream.subscribe(client, me(client.ctx()),
        view::unresolvedAlerts));
    app.exception(AlertCommands.CommandNotSent.class, (e, ctx) ->
        ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", e.getMessage())));
    app.start(host, port);
    return app.port();
  }

  /**
   * Every HTTP route this service serves, as {@code "GET /path"}: the security tests check that each
   * one is guarded (or deliberately open), so a route added later cannot slip past them.
   */
  synchronized java.util.List<String> routes() {
    return HttpRoutes.of(app);
  }

  private void signIn(Context ctx) {
    String token = Optional.ofNullable(body(ctx).get("token")).map(JsonNode::asText).orElse("");
    Optional<StaffMember> member = staff.authenticate(token);
    if (member.isEmpty()) {
      LOG.info("event=sign_in_refused remote={}", ctx.ip());
      throw new UnauthorizedResponse("unknown token");
    }
    String sessionId = sessions.open(member.get());
    ctx.cookie(new Cookie(SESSION_COOKIE, sessionId, "/", (int) sessions.ttl().toSeconds(), secureCookie, 0,
        true, null, null, SameSite.STRICT));
    LOG.info("event=signed_in user={} role={}", member.get().userId(), member.get().role());
    ctx.json(member.get());
  }

  private void signOut(Context ctx) {
    sessions.close(ctx.cookie(SESSION_COOKIE));
    ctx.removeCookie(SESSION_COOKIE, "/");
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private void authenticate(Context ctx) {
    String path = ctx.path();
    if (path.equals("/api/session") || path.equals("/api/health")) {
      return;
    }
    String header = ctx.header("Authorization");
    Optional<StaffMember> member = header != null && header.startsWith("Bearer ")
        ? staff.authenticate(header.substring("Bearer ".length()))
        : sessions.find(ctx.cookie(SESSION_COOKIE));
    ctx.attribute(STAFF, member.orElseThrow(() -> new UnauthorizedResponse("sign in first")));
  }

  private static StaffMember me(Context ctx) {
    StaffMember member = ctx.attribute(STAFF);
    if (member == null) {
      throw new UnauthorizedResponse("sign in first");
    }
    return member;
  }

  private void fleet(Context ctx) {
    StaffMember who = me(ctx);
    FleetFilter filter = new FleetFilter(
        enumParam(ctx, "risk"),
        Optional.ofNullable(ctx.queryParam("refillDueWithinDays")).filter(s -> !s.isBlank())
            .map(s -> Duration.ofHours(Math.round(positive(s, "refillDueWithinDays") * 24))).orElse(null),
        "true".equals(ctx.queryParam("silent")),
        Optional.ofNullable(ctx.queryParam("clinic")).filter(s -> !s.isBlank()).orElse(null));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("fleetTime", view.fleetTime());
    body.put("pumps", view.fleet(who, filter));
    ctx.json(body);
  }

  private void command(Context ctx, AlertAction action) {
    StaffMember who = me(ctx);
    AlertCard alert = view.unresolvedAlert(ctx.pathParam("alertId"), who)
        .orElseThrow(() -> new NotFoundResponse("no such open alert in your clinics"));
    if (!who.mayAct()) {
      LOG.info("event=alert_command_forbidden user={} role={} action={} alert_id={}", who.userId(),
          who.role(), action, alert.alertId());
      throw new ForbiddenResponse("only on-call staff and admins may " + action.name().toLowerCase()
          + " alerts; your role is " + who.role());
    }
    JsonNode body = body(ctx);
    String reason = body.path("reason").asText(null);
    Duration silenceFor = null;
    if (action == AlertAction.SILENCE) {
      double hours = body.path("hours").asDouble(Double.NaN);
      if (!(hours > 0) || Duration.ofMinutes(Math.round(hours * 60)).compareTo(LONGEST_SILENCE) > 0) {
        throw new BadRequestResponse("hours must be a number of hours between 0 and "
            + LONGEST_SILENCE.toHours());
      }
      silenceFor = Duration.ofMinutes(Math.round(hours * 60));
    }
    String commandId = commands.send(alert, who, action, reason, silenceFor);
    ctx.status(HttpStatus.ACCEPTED).json(Map.of("commandId", commandId, "alertId", alert.alertId(),
        "action", action.name()));
  }

  private JsonNode body(Context ctx) {
    String raw = ctx.body();
    if (raw.isBlank()) {
      return json.createObjectNode();
    }
    try {
      JsonNode node = json.readTree(raw);
      if (!node.isObject()) {
        throw new BadRequestResponse("the body must be a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequestResponse("the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static RiskLevel enumParam(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank() || value.equals("ANY")) {
      return null;
    }
    try {
      return RiskLevel.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new BadRequestResponse(name + " must be one of " + List.of(RiskLevel.values()));
    }
  }

  private static double positive(String value, String name) {
    try {
      double d = Double.parseDouble(value);
      if (d >= 0 && d < 100_000) {
        return d;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequestResponse(name + " must be a number of days >= 0");
  }

  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
  }
}
