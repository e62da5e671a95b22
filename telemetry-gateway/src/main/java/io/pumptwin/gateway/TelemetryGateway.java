package io.pumptwin.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.device.DeviceAuthenticator;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.http.TelemetryEndpoint;
import io.pumptwin.gateway.ingest.BrokerReadiness;
import io.pumptwin.gateway.ingest.InFlightLimiter;
import io.pumptwin.gateway.ingest.TelemetryIngest;
import io.pumptwin.gateway.ingest.TelemetryPublisher;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.gateway.metrics.GatewayMetrics;
import io.pumptwin.gateway.refusal.RefusalDeadLetters;
import io.pumptwin.gateway.sequence.PumpSequenceMemory;
import io.pumptwin.gateway.validation.TelemetryValidator;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.registry.SchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.service.http.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry gateway as one closeable unit: HTTP server (Javalin on Jetty), producer, device
 * directory, metrics. The launcher builds a {@link GatewayConfig}, calls {@link #start()}, and
 * {@link #close()} on shutdown.
 *
 * <p>Endpoints: {@code POST /v1/telemetry}, {@code GET /health} (process up), {@code GET /ready}
 * (broker reachable and topics present), {@code GET /metrics} (Prometheus), {@code GET /openapi}.
 */
public final class TelemetryGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TelemetryGateway.class);

  private final GatewayConfig config;
  private final Clock clock;
  private final PrometheusMeterRegistry prometheus;
  private final ObjectMapper json = new ObjectMapper();
  private SchemaRegistryClient registry;
  private TelemetryPublisher publisher;
  private BrokerReadiness readiness;
  private RefusalDeadLetters refusals;
  private Javalin app;

  public TelemetryGateway(GatewayConfig config) {
    this(config, Clock.systemUTC());
  }

  public TelemetryGateway(GatewayConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public synchronized TelemetryGateway start() {
    if (app != null) {
      throw new IllegalStateException("already started");
    }
    GatewayMetrics metrics = new GatewayMetrics(prometheus);
    new JvmMemoryMetrics().bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);

    // Short, bounded registry retries: a request must fail fast (503) when the registry is away.
    registry = new HttpSchemaRegistryClient(new RegistrySettings(URI.create(trimSlash(config.registryUrl())),
        new RegistrySettings.Credentials.None(), 2, Duration.ofMillis(100), Duration.ofSeconds(2)));
    TopicRegistry topics = new TopicRegistry(registry,
        config.autoRegisterSchemas() ? SerdeSettings.autoRegistering() : SerdeSettings.preRegistered());
    Topic<TelemetryEnvelope> telemetry = topics.topic(Topics.TELEMETRY);
    Topic<DeadLetter> deadLetters = topics.topic(Topics.TELEMETRY_DLQ);

    publisher = new TelemetryPublisher(config.bootstrapServers(), config.producer(), telemetry,
        deadLetters, metrics);
    readiness = new BrokerReadiness(config.bootstrapServers(), config.kafkaSecurity(),
        List.of(telemetry.name(), deadLetters.name()), Duration.ofSeconds(2), clock);
    DeviceFile devices = new DeviceFile(config.deviceFile(), clock, Duration.ofSeconds(2));
    DeviceAuthenticator auth = new DeviceAuthenticator(devices, config.auth());
    PumpSequenceMemory memory = new PumpSequenceMemory(config.sequences());
    InFlightLimiter limiter = new InFlightLimiter(config.limits().maxInFlightEvents(),
        config.limits().maxInFlightBytes());
    TelemetryIngest ingest = new TelemetryIngest(new TelemetryValidator(config.validation()),
        memory, publisher, metrics, clock);
    refusals = RefusalDeadLetters.start(config.refusals(), publisher::deadLetter, metrics, clock);
    TelemetryEndpoint endpoint = new TelemetryEndpoint(auth, new TelemetryJson(), telemetry, ingest,
        limiter, config.limits(), metrics, refusals, clock);

    metrics.gauge("gateway.inflight.events", "Events being stored", limiter::events);
    metrics.gauge("gateway.inflight.bytes", "Request bytes being stored", limiter::bytes);
    metrics.gauge("gateway.sequence.pumps", "Pumps in the duplicate memory", memory::pumpCount);
    metrics.gauge("gateway.replay.signatures", "Signatures in the replay cache", auth::rememberedSignatures);
    metrics.gauge("gateway.devices", "Provisioned devices", devices::size);

    byte[] openapi = resource("/openapi.yaml");
    long asyncTimeout = config.producer().deliveryTimeout().plus(config.producer().maxBlock())
        .plusSeconds(5).toMillis();
    app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.startupWatcherEnabled = false;
      c.jetty.defaultHost = config.bindHost();
      c.jetty.defaultPort = config.port();
      c.jetty.threadPool = new QueuedThreadPool(config.httpThreads(), 4, 60_000);
      c.jetty.timeoutStatus = 503;
      c.http.asyncTimeout = asyncTimeout;
      c.http.maxRequestSize = config.limits().maxBodyBytes();
      if (config.tls() != null) {
        config.tls().serveOn(c, config.bindHost(), config.port());
      }
    });
    app.post(TelemetryEndpoint.PATH, endpoint);
    app.get("/health", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
    app.get("/ready", ctx -> {
      BrokerReadiness.Status s = readiness.check();
      ObjectNode node = json.createObjectNode();
      node.put("status", s.ready() ? "READY" : "NOT_READY");
      node.put("kafka", s.detail());
      ctx.status(s.ready() ? 200 : 503).contentType("application/json").result(json.writeValueAsBytes(node));
    });
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(prometheus.scrape()));
    app.get("/openapi", ctx -> ctx.contentType("application/yaml").result(openapi));
    app.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openapi));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("request failed path={} error={}", ctx.path(), e.toString(), e);
      ctx.status(500).contentType("application/problem+json").result(
          "{\"type\":\"urn:pumptwin:problem:internal\",\"title\":\"Internal error\",\"status\":500}");
    });
    app.start();
    log.info("telemetry gateway started host={} port={} https={} kafka={} kafkaSecurity={} registry={}"
            + " devices={} maxBodyBytes={} maxEventsPerRequest={}", config.bindHost(), port(),
        config.tls() != null, config.bootstrapServers(), config.kafkaSecurity(),
        config.registryUrl(), devices.size(), config.limits().maxBodyBytes(),
        config.limits().maxEventsPerRequest());
    return this;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int port() {
    if (app == null) {
      throw new IllegalStateException("not started");
    }
    return app.port();
  }

  /**
   * Every HTTP route this service serves, as {@code "GET /path"}: the security tests check that each
   * one is guarded (or deliberately open), so a route added later cannot slip past them.
   */
  public synchronized java.util.List<String> routes() {
    return HttpRoutes.of(app);
  }

  public PrometheusMeterRegistry meterRegistry() {
    return prometheus;
  }

  @Override
  public synchronized void close() {
    if (app != null) {
      app.stop();
      app = null;
    }
    if (readiness != null) {
      readiness.close();
    }
    if (refusals != null) {
      // Before the producer: the last summaries of counted refusals are still to be written.
      refusals.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (registry != null) {
      registry.close();
    }
    prometheus.close();
    log.info("telemetry gateway stopped");
  }

  private static byte[] resource(String name) {
    try (InputStream in = TelemetryGateway.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
