package io.pumptwin.dashboard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.pumptwin.dashboard.access.SignInSessions;
import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.dashboard.view.AlertCard;
import io.pumptwin.dashboard.view.FleetView;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.service.security.TlsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The web side of the dashboard, assembled: sessions, the live alert stream, the command sender and
 * the HTTP server. The stream exists before the view (the view tells it of every alert change), the
 * server after it.
 */
public final class DashboardWeb implements AutoCloseable {
  private final ObjectMapper json = DashboardServer.objectMapper();
  private final StaffDirectory staff;
  private final SignInSessions sessions;
  private final AlertCommands commands;
  private final AlertStream stream;
  private final Supplier<Map<String, Object>> health;
  private DashboardServer server;

  public DashboardWeb(StaffDirectory staff, Duration sessionTtl, Duration heartbeat,
      KafkaProducer<String, AlertCommand> commandProducer, String commandTopic, Clock clock,
      Supplier<Map<String, Object>> health, MeterRegistry meters) {
    this.staff = staff;
    this.sessions = new SignInSessions(sessionTtl, clock);
    this.commands = new AlertCommands(commandProducer, commandTopic, clock);
    this.stream = new AlertStream(json, heartbeat, meters);
    this.health = health;
  }

  /** Give this to the {@link FleetView}: it queues each alert change for the live stream. */
  public Consumer<AlertCard> alertListener() {
    return stream;
  }

  /** Serves the view; returns the bound port. */
  public int start(FleetView view, String host, int port) {
    return start(view, host, port, null);
  }

  /** Serves the view, over HTTPS only when {@code tls} is given; returns the bound port. */
  public int start(FleetView view, String host, int port, TlsSettings tls) {
    server = new DashboardServer(view, staff, sessions, commands, stream, json, health);
    return server.start(host, port, tls);
  }

  /** Every HTTP route of the dashboard but its static pages, as {@code "GET /path"}. */
  public java.util.List<String> routes() {
    return server.routes();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    stream.close();
  }
}
