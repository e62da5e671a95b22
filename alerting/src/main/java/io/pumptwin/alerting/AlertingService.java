package io.pumptwin.alerting;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pumptwin.alerting.api.AlertApi;
import io.pumptwin.alerting.api.OpenAlertsView;
import io.pumptwin.alerting.notify.EmailChannel;
import io.pumptwin.alerting.notify.NotificationDispatcher;
import io.pumptwin.alerting.notify.WebhookChannel;
import io.pumptwin.alerting.stream.AlertingTopology;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.service.streams.StreamsStartup;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerting service: the alert lifecycle (Kafka Streams), the notifier, and the alert API with
 * its live stream, on one set of topics. Plugs into {@code pumptwin local}; the API listens on
 * {@link AlertingConfig#apiPort()} (8082 by default).
 */
public final class AlertingService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertingService.class);

  private final AlertingConfig config;
  private final TopicRegistry topics;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private NotificationDispatcher dispatcher;
  private OpenAlertsView view;
  private KafkaProducer<String, AlertCommand> commandProducer;
  private AlertApi api;
  private int apiPort = -1;

  public AlertingService(AlertingConfig config, TopicRegistry topics) {
    this(config, topics, Clock.systemUTC());
  }

  /** @param clock wall clock for audit timestamps only (attempt times); alerts run on event time */
  public AlertingService(AlertingConfig config, TopicRegistry topics, Clock clock) {
    this.config = config;
    this.topics = topics;
    this.clock = clock;
  }

  public synchronized void start() throws InterruptedException {
    streams = new KafkaStreams(AlertingTopology.build(config, topics, meters),
        AlertingTopology.streamsConfig(config, topics, meters));
    // A thread that dies (e.g. the registry was unreachable) is replaced and resumes from the last
    // commit: nothing is lost and alerts keep flowing.
    streams.setUncaughtExceptionHandler(e -> {
      log.error("event=alerting.stream_thread_failed error=\"{}\"", e.toString(), e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(meters);
    streams.start();

    Map<String, String> security = config.kafkaSecurity().settings();
    dispatcher = new NotificationDispatcher(config.bootstrapServers(), security,
        config.applicationId() + "-notifier", topics, config.routing(), config.deliveryRetry(),
        new WebhookChannel(config.webhookTimeout(), clock),
        config.smtp() == null ? null : new EmailChannel(config.smtp()), meters, clock);
    dispatcher.start();

    view = new OpenAlertsView(config.bootstrapServers(), security, topics.topic(Topics.ALERTS));
    view.start();
    Topic<AlertCommand> commandTopic = topics.topic(Topics.ALERT_COMMANDS);
    Map<String, Object> p = new HashMap<>(security);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    commandProducer = new KafkaProducer<>(p, commandTopic.keySerde().serializer(),
        commandTopic.valueSerde().serializer());
    api = new AlertApi(config.access(), view, commandProducer, commandTopic, meters, clock);
    if (!view.awaitCaughtUp(Duration.ofSeconds(60))) {
      log.warn("event=alerting.view_not_caught_up waited_s=60");
    }
    apiPort = api.start(config.apiHost(), config.apiPort(), config.tls());
    log.info("event=alerting.started api={}://{}:{} application={} kafka_security={}",
        config.tls() == null ? "http" : "https", config.apiHost(), apiPort, config.applicationId(),
        config.kafkaSecurity());
  }

  /** Every HTTP route of the alert API, as {@code "GET /path"} (see {@link AlertApi#routes()}). */
  public java.util.List<String> routes() {
    return api.routes();
  }

  public int apiPort() {
    return apiPort;
  }

  public KafkaStreams.State streamsState() {
    return streams.state();
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  @Override
  public synchronized void close() {
    if (api != null) {
      api.close();
    }
    if (view != null) {
      view.close();
    }
    if (commandProducer != null) {
      commandProducer.close(Duration.ofSeconds(5));
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (streams != null) {
      StreamsStartup.close(streams, Duration.ofSeconds(30)); // leaves the group: a restart takes over at once
    }
    log.info("event=alerting.stopped");
  }
}
