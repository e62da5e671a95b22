package io.pumptwin.dashboard;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.dashboard.feed.TopicFeed;
import io.pumptwin.dashboard.view.FleetView;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.dashboard.web.DashboardWeb;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard as one service: the topic feed that fills the view, and the web server that shows
 * it. {@code pumptwin local} (or any host) builds it with a config and the process's topic
 * registry, calls {@link #start()}, and later {@link #close()}.
 *
 * <p>Its meters ({@code dashboard.sse.clients}, {@code dashboard.events.pushed}, {@code dashboard.feed.records}
 * and the topic feed's Kafka consumer metrics) go to the registry it is given: the alerting image gives it
 * alerting's, so they are served on alerting's {@code /metrics}. The dashboard's own port serves no
 * {@code /metrics}: one scrape target per process, and no open route added to the staff-facing server.
 */
public final class DashboardService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardService.class);

  private final DashboardConfig config;
  private final TopicRegistry topics;
  private final Clock clock;
  private final MeterRegistry meters;
  private KafkaProducer<String, AlertCommand> commandProducer;
  private KafkaProducer<String, DeadLetter> deadLetterProducer;
  private TopicFeed feed;
  private DashboardWeb web;
  private FleetView view;
  private int port = -1;

  /** Meters kept in memory only ({@link #meters()}): for hosts that serve no metrics. */
  public DashboardService(DashboardConfig config, TopicRegistry topics, Clock clock) {
    this(config, topics, clock, new SimpleMeterRegistry());
  }

  /** @param meters the registry the host process serves (e.g. alerting's), where the dashboard's meters go */
  public DashboardService(DashboardConfig config, TopicRegistry topics, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
    this.meters = java.util.Objects.requireNonNull(meters, "meters");
  }

  public MeterRegistry meters() {
    return meters;
  }

  /** Reads the topics into the view (up to {@code catchUpWait}), then serves; returns the port. */
  public synchronized int start() throws InterruptedException {
    if (port >= 0) {
      throw new IllegalStateException("the dashboard is already started");
    }
    try {
      Topic<AlertCommand> commands = topics.topic(Topics.ALERT_COMMANDS);
      Topic<DeadLetter> dlq = topics.topic(Topics.TELEMETRY_DLQ);
      commandProducer = new KafkaProducer<>(producerConfig("pumptwin-dashboard-commands"),
          commands.keySerde().serializer(), commands.valueSerde().serializer());
      deadLetterProducer = new KafkaProducer<>(producerConfig("pumptwin-dashboard-dlq"),
          dlq.keySerde().serializer(), dlq.valueSerde().serializer());
      web = new DashboardWeb(config.staff(), config.sessionTtl(), config.heartbeat(),
          commandProducer, commands.name(), clock, this::health, meters);
      view = new FleetView(config.limits(), web.alertListener());
      feed = new TopicFeed(config.bootstrapServers(), topics, view, deadLetterProducer,
          config.consumerOverrides(), clock, meters);
      feed.start(config.catchUpWait());
      port = web.start(view, config.host(), config.port(), config.tls());
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    LOG.info("event=dashboard_started url={} staff_tokens={} kafka_security={}", url(),
        config.staff().size(), config.kafkaSecurity());
    return port;
  }

  public synchronized int port() {
    if (port < 0) {
      throw new IllegalStateException("the dashboard is not started");
    }
    return port;
  }

  /**
   * Every HTTP route of the dashboard but its static pages (the sign-in page and scripts, public by
   * design), as {@code "GET /path"}: the security tests check that each one is guarded.
   */
  public synchronized java.util.List<String> routes() {
    return web.routes();
  }

  public String url() {
    return (config.tls() == null ? "http://" : "https://") + config.host() + ":" + port() + "/";
  }

  private Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("caughtUp", feed != null && feed.caughtUp());
    h.put("fleetTime", view == null ? null : view.fleetTime());
    h.put("pumps", view == null ? 0 : view.pumpsWithTwin());
    h.put("recordsApplied", view == null ? 0 : view.recordsApplied());
    h.put("recordsRejected", feed == null ? 0 : feed.rejectedRecords());
    return h;
  }

  private Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> p = new HashMap<>(config.kafkaSecurity().settings());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return p;
  }

  @Override
  public synchronized void close() {
    if (web != null) {
      web.close();
    }
    if (feed != null) {
      try {
        feed.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (commandProducer != null) {
      commandProducer.close();
    }
    if (deadLetterProducer != null) {
      deadLetterProducer.close();
    }
    web = null;
    feed = null;
    commandProducer = null;
    deadLetterProducer = null;
    if (port >= 0) {
      LOG.info("event=dashboard_stopped port={}", port);
    }
    port = -1;
  }
}
