package io.pumptwin.alerting.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.lifecycle.Alert;
import io.pumptwin.alerting.lifecycle.AlertLifecycle;
import io.pumptwin.alerting.lifecycle.RecentResolution;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.service.streams.StreamsStartup;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The alerting topology: twin events and staff commands in, alert lifecycle events (and dead
 * letters) out, with the open alerts, the recent resolutions and the alert clock in persistent,
 * changelogged stores.
 *
 * <pre>
 *   pump.twin.events.v1 ----\
 *                            +--> alert-lifecycle [open-alerts, recently-resolved, alert-clock]
 *   pump.alert.commands.v1 -/           |--> pump.alerts.v1
 *                                       \--> pump.telemetry.dlq.v1
 * </pre>
 */
public final class AlertingTopology {
  public static final String OPEN_ALERTS_STORE = "open-alerts";
  public static final String RECENTLY_RESOLVED_STORE = "recently-resolved";
  public static final String ALERT_CLOCK_STORE = "alert-clock";
  static final String TWIN_EVENTS_SOURCE = "twin-events";
  static final String COMMANDS_SOURCE = "alert-commands";
  static final String LIFECYCLE = "alert-lifecycle";
  static final String ALERTS_SINK = "alerts";
  static final String DEAD_LETTER_SINK = "dead-letters";

  private AlertingTopology() {}

  public static Topology build(AlertingConfig config, TopicRegistry topics) {
    return build(config, topics, new SimpleMeterRegistry());
  }

  /**
   * Where the topology keeps open alerts, recent resolutions and the alert clock. Only the store kind
   * differs: the processor, its reads and writes are the same.
   */
  public enum StoreKind {
    /** Production: RocksDB, changelogged, so a fail-over neither loses nor repeats an alert. */
    PERSISTENT_CHANGELOGGED,
    /**
     * An in-process replay: heap maps, no changelog. A replay's alerts live only as long as the
     * replay and are never restored, so RocksDB and the changelog would only cost time.
     */
    IN_MEMORY
  }

  public static Topology build(AlertingConfig config, TopicRegistry topics, MeterRegistry meters) {
    return build(config, topics, meters, StoreKind.PERSISTENT_CHANGELOGGED);
  }

  public static Topology build(AlertingConfig config, TopicRegistry topics, MeterRegistry meters,
      StoreKind storeKind) {
    Topic<TwinEvent> twinEvents = topics.topic(Topics.TWIN_EVENTS);
    Topic<AlertCommand> commands = topics.topic(Topics.ALERT_COMMANDS);
    Topic<AlertEvent> alerts = topics.topic(Topics.ALERTS);
    Topic<DeadLetter> deadLetters = topics.topic(Topics.TELEMETRY_DLQ);
    AlertLifecycle lifecycle = new AlertLifecycle(config.severityPolicy(), config.escalationPolicy(),
        config.flapping());

    Topology topology = new Topology();
    topology.addSource(TWIN_EVENTS_SOURCE, twinEvents.keySerde().deserializer(),
        twinEvents.valueSerde().deserializer(), twinEvents.name());
    topology.addSource(COMMANDS_SOURCE, commands.keySerde().deserializer(),
        commands.valueSerde().deserializer(), commands.name());
    topology.addProcessor(LIFECYCLE, () -> new AlertLifecycleProcessor(lifecycle,
        config.sweepInterval(), config.alertClock(), config.liveClockTick(),
        config.flapping().window(), twinEvents, commands, meters),
        TWIN_EVENTS_SOURCE, COMMANDS_SOURCE);
    topology.addStateStore(store(storeKind, OPEN_ALERTS_STORE, new JsonStateSerde<>(Alert.class)), LIFECYCLE);
    topology.addStateStore(store(storeKind, RECENTLY_RESOLVED_STORE,
        new JsonStateSerde<>(RecentResolution.class)), LIFECYCLE);
    topology.addStateStore(store(storeKind, ALERT_CLOCK_STORE,
        new JsonStateSerde<>(AlertClockState.class)), LIFECYCLE);
    topology.addSink(ALERTS_SINK, alerts.name(), alerts.keySerde().serializer(),
        alerts.valueSerde().serializer(), LIFECYCLE);
    topology.addSink(DEAD_LETTER_SINK, deadLetters.name(), deadLetters.keySerde().serializer(),
        deadLetters.valueSerde().serializer(), LIFECYCLE);
    return topology;
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(StoreKind kind, String name,
      Serde<V> valueSerde) {
    if (kind == StoreKind.IN_MEMORY) {
      return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), valueSerde)
          .withLoggingDisabled();
    }
    // Changelogged by default (Stores' builders log unless told not to).
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), valueSerde);
  }

  /**
   * Streams settings: exactly-once (an alert transition, its state change and the consumed offsets
   * commit together, so a crash neither loses nor repeats an alert), and undecodable input
   * dead-lettered instead of stopping the partition.
   */
  public static Properties streamsConfig(AlertingConfig config, TopicRegistry topics, MeterRegistry meters) {
    Topic<DeadLetter> deadLetters = topics.topic(Topics.TELEMETRY_DLQ);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnDecodeFailure.class);
    p.put(DeadLetterOnDecodeFailure.SINK_CONFIG, new DeadLetterOnDecodeFailure.Sink(
        deadLetters.name(), deadLetters.valueSerde().serializer(),
        () -> meters.counter("alerting.dead_letters", "reason", "UNDECODABLE").increment()));
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    // Start-up and take-over, as the twin engine: the restore consumer's empty-fetch wait and Kafka Streams' check of
    // its new internal topics (StreamsStartup). StreamsStartupBenchmark, alerting as shipped against Kafka's defaults:
    // bench/results/streams-startup.md.
    StreamsStartup.applyTo(p);
    p.putAll(config.streamsOverrides());
    return p;
  }
}
