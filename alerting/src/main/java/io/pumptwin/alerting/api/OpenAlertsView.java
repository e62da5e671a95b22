package io.pumptwin.alerting.api;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open alerts as dashboards see them, built by reading {@code pump.alerts.v1} from the
 * beginning (every partition, no consumer group: each API instance holds the whole view), and the
 * feed of new alert events for the live stream. Reading the topic rather than querying the Streams
 * store keeps the API independent of which instance owns which pump.
 */
public final class OpenAlertsView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenAlertsView.class);

  private final String bootstrapServers;
  private final Map<String, ?> clientSecurity;
  private final Topic<AlertEvent> alerts;
  private final Map<String, AlertEvent> open = new ConcurrentHashMap<>();
  private final List<Consumer<AlertEvent>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicBoolean running = new AtomicBoolean();
  private KafkaConsumer<String, AlertEvent> consumer;
  private Thread loop;

  public OpenAlertsView(String bootstrapServers, Topic<AlertEvent> alerts) {
    this(bootstrapServers, Map.of(), alerts);
  }

  /** @param clientSecurity Kafka client security settings (SASL_SSL...) for the view's consumer */
  public OpenAlertsView(String bootstrapServers, Map<String, ?> clientSecurity, Topic<AlertEvent> alerts) {
    this.bootstrapServers = bootstrapServers;
    this.clientSecurity = Map.copyOf(clientSecurity);
    this.alerts = alerts;
  }

  static String key(String pumpSerial, Object alertType) {
    return pumpSerial + "|" + alertType;
  }

  public Optional<AlertEvent> get(String pumpSerial, Object alertType) {
    return Optional.ofNullable(open.get(key(pumpSerial, alertType)));
  }

  public List<AlertEvent> all() {
    return List.copyOf(open.values());
  }

  /** Called with every alert event read after the view caught up with the topic. */
  public void subscribe(Consumer<AlertEvent> listener) {
    listeners.add(listener);
  }

  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void start() {
    Map<String, Object> c = new HashMap<>(clientSecurity);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new KafkaConsumer<>(c, alerts.keySerde().deserializer(), alerts.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(alerts.name(), Duration.ofSeconds(30))
        .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    running.set(true);
    loop = new Thread(() -> run(partitions, end), "alerting-view");
    loop.setDaemon(true);
    loop.start();
  }

  private void run(List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
    boolean live = false;
    try {
      while (running.get()) {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          AlertEvent a = r.value();
          if (a == null) {
            continue;
          }
          String key = key(a.getPumpSerial(), a.getAlertType());
          if (a.getTransition() == AlertTransition.RESOLVED) {
            open.remove(key);
          } else {
            open.put(key, a);
          }
          if (live) {
            for (Consumer<AlertEvent> l : listeners) {
              try {
                l.accept(a);
              } catch (RuntimeException e) {
                log.warn("event=alerting.view_listener_failed error=\"{}\"", e.toString());
              }
            }
          }
        }
        if (!live && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
          live = true;
          caughtUp.countDown();
          log.info("event=alerting.view_caught_up open_alerts={}", open.size());
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() {
    running.set(false);
    if (consumer != null) {
      consumer.wakeup();
    }
    if (loop != null) {
      try {
        loop.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
