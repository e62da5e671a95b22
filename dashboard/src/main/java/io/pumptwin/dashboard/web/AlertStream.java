package io.pumptwin.dashboard.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.dashboard.view.AlertCard;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live alert feed to browsers (server-sent events), filtered per subscriber to the clinics the
 * signed-in person may see: an alert of another clinic is never written to their connection.
 *
 * <p>Everything runs on one sender thread, in order: a new subscriber's snapshot is taken on that
 * thread, so changes queued before it are in the snapshot and changes queued after it follow it;
 * nothing is missed and nothing arrives out of order. A slow browser delays the feed, never the
 * topic reader, which only queues.
 *
 * <p>Meters: {@code dashboard.sse.clients} (browsers connected now) and {@code dashboard.events.pushed} (events
 * written to connections, by {@code event}: snapshot or alert; one alert to three browsers counts three).
 */
final class AlertStream implements Consumer<AlertCard>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertStream.class);

  private record Subscriber(SseClient client, StaffMember who) {}

  private final ScheduledExecutorService sender;
  // Written on the sender thread; a concurrent set only so that close() may walk it.
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final ObjectMapper json;
  private final Counter snapshotsPushed;
  private final Counter alertsPushed;

  AlertStream(ObjectMapper json, Duration heartbeat, MeterRegistry meters) {
    this.json = json;
    Gauge.builder("dashboard.sse.clients", subscribers, Set::size)
        .description("Browsers connected to the live alert stream").register(meters);
    this.snapshotsPushed = pushed(meters, "snapshot");
    this.alertsPushed = pushed(meters, "alert");
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dashboard-alert-stream");
      t.setDaemon(true);
      return t;
    });
    // Comments keep proxies from closing an idle stream and reveal browsers that went away.
    sender.scheduleAtFixedRate(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Called by the view under its lock: only queues. */
  @Override
  public void accept(AlertCard card) {
    onSender(() -> {
      String data = write(card);
      subscribers.removeIf(s -> {
        if (s.who().maySee(card.clinicId())) {
          s.client().sendEvent("alert", data);
          alertsPushed.increment();
        }
        return s.client().terminated();
      });
    });
  }

  void subscribe(SseClient client, StaffMember who, Function<StaffMember, List<AlertCard>> snapshot) {
    client.keepAlive();
    Subscriber s = new Subscriber(client, who);
    client.onClose(() -> onSender(() -> subscribers.remove(s)));
    onSender(() -> {
      client.sendEvent("snapshot", write(snapshot.apply(who)));
      snapshotsPushed.increment();
      if (!client.terminated()) {
        subscribers.add(s);
        LOG.info("event=alert_stream_subscribed user={} subscribers={}", who.userId(), subscribers.size());
      }
    });
  }

  private static Counter pushed(MeterRegistry meters, String event) {
    return Counter.builder("dashboard.events.pushed").tag("event", event)
        .description("Events written to live alert stream connections").register(meters);
  }

  /** Runs on the sender thread; once the stream is closed there is nothing left to do. */
  private void onSender(Runnable task) {
    try {
      sender.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: subscribers are being dropped anyway
    }
  }

  private void heartbeat() {
    subscribers.removeIf(s -> {
      s.client().sendComment("keep-alive");
      return s.client().terminated();
    });
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("alert view is not serialisable", e);
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    for (Subscriber s : List.copyOf(subscribers)) {
      s.client().close();
    }
    subscribers.clear();
  }
}
