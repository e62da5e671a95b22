package io.pumptwin.replay.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.stream.AlertClock;
import io.pumptwin.alerting.stream.AlertingTopology;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.replay.source.RecordedCommand;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.topology.TwinMetrics;
import io.pumptwin.twin.topology.TwinTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production twin and alerting topologies, chained in-process: telemetry in; twin states, twin
 * events and alert events out. No broker, and nothing is ever written to a production topic.
 *
 * <p>Why {@link TopologyTestDriver} and not a Kafka Streams application with its own application
 * id and output topics: it runs the very {@code Topology} objects production runs
 * ({@link TwinTopology#build}, {@link AlertingTopology#build}), on event time only, with no broker
 * round trips, no transactions and no rebalances, so a replay is deterministic, isolated from
 * production by construction, and runs at the speed of the processors. The price is one thread.
 *
 * <p>Why one pair of drivers per partition: a Kafka Streams task has its own stream time, and
 * stream time decides when the twin's reorder buffer flushes, when silent pumps are swept and when
 * alert deadlines (re-notify, escalate) are met. Production's twin task {@code p} reads telemetry
 * partition {@code p} and writes its twin events, keyed by the same pump serial with the same
 * default partitioner, to twin-event partition {@code p}, which alerting task {@code p} reads. Fed
 * the records of each telemetry partition in offset order, driver pair {@code p} sees exactly the
 * stream time production's tasks saw, which is what makes the replay reproduce production's twin
 * events and alerts, not just resemble them.
 *
 * <p>Why in-memory stores ({@link TwinTopology.StoreKind#IN_MEMORY},
 * {@link AlertingTopology.StoreKind#IN_MEMORY}): TopologyTestDriver commits after every record, and
 * a commit flushes RocksDB's memtable, flushes the record cache into it and writes the changelog
 * records and a checkpoint; that, not the twin, was most of a replay's time (17,489 rec/s against
 * the twin engine's 35,046 on this machine). A replay's state lives only as long as the replay and
 * is never restored, so heap maps without changelog lose nothing; both kinds order keys by their
 * serialized bytes, so the silent-pump sweep visits twins in the same order, and the processors
 * are the same objects either way.
 *
 * <p>Worker threads, optional ({@code threads} > 1): the partitions' driver pairs share nothing, so
 * each can run on a worker thread (partition {@code p} on worker {@code p mod workers}, in offset
 * order as before) while the caller's thread reads the source. What the drivers publish is handed
 * to the listener on the caller's thread, record by record in the order the records were sent: the
 * listener sees exactly what a single thread would have shown it. With RocksDB stores, 2 workers
 * were slower on this 2-core machine (12,053 against 17,489 rec/s: RocksDB's own threads competed
 * for the cores); with in-memory stores they are within the machine's noise of one thread
 * (960,000 records, best of two rounds in three runs: 17,218 against 12,110, 23,103 against 27,114,
 * 21,775 against 25,211 rec/s; {@code bench/results/replay.md}). {@code pumptwin replay} uses one
 * per core, for machines with more cores than this one (unmeasured); this constructor's default
 * stays one thread.
 *
 * <p>Production's alerting runs on the {@link AlertClock#LIVE} clock (stream time carried on by
 * real time on a quiet partition); the replay runs on {@link AlertClock#STREAM_TIME}, so the same
 * input gives the same alerts whatever the wall clock does. Both publish the same re-notifications
 * and escalations because the alerting processor meets every deadline in event time, as its own
 * transition stamped with the deadline, before it applies the pump's next twin event; the wall
 * clock only decides how soon production publishes the deadlines of a pump with no later input.
 * What a replay cannot show: deadlines production met after the last twin event of a partition
 * in the replayed range (its clock went on in real time).
 *
 * <p>Staff commands ({@link #schedule}): production's alerting task {@code p} reads twin-event
 * partition {@code p} and command partition {@code p} (both keyed by pump serial) and applies each
 * command at its alert clock. Which twin events came before a command is not in either topic: a
 * command's record timestamp is the alert's last event time (the alert API backdates it so that it
 * never moves stream time), not when staff acted, so ordering by record timestamp would apply an
 * acknowledgement before re-notifications production published ahead of it. What production did is
 * recorded in its alert lifecycle: the transition a command caused names it and carries the alert
 * clock it was applied at ({@link RecordedCommand#appliedAt()}). The replay orders by that: a
 * command goes into driver pair {@code p} just before the first twin event of the partition stamped
 * after it (production's clock had passed every twin event it had applied, and had not reached the
 * next), stamped with that time, so the replay's STREAM_TIME alert clock reads what production's LIVE
 * clock read and the transition carries the same time. Commands of a partition keep their offset
 * order. A command that left no trace (rejected, or a repeat: it changed nothing in production) goes
 * as early as that order and its record time allow, stamped with its record time (it never moves the
 * clock). Limit: a twin event stamped between the time stream time last moved and the command's time
 * but processed after the command (a command and a twin event racing within the real time the LIVE
 * clock added) is replayed before it.
 */
public final class InProcessPipeline implements AutoCloseable {
  /** TopologyTestDriver's wall clock, fixed: only dead letters' occurredAt reads it. */
  private static final Instant WALL_CLOCK = Instant.parse("2026-01-01T00:00:00Z");

  private final PipelineParameters parameters;
  private final Stores stores;
  private final int partitions;
  private final PipelineListener listener;
  private final Path stateDir;
  private final PartitionDrivers[] drivers;
  /** Empty: every record is processed on the caller's thread. */
  private final ExecutorService[] workers;
  /** What records sent to workers published, oldest first; handed to the listener in this order. */
  private final ArrayDeque<Future<Published>> pending = new ArrayDeque<>();
  private long telemetryIn;
  private long deadLetters;
  private long commandsScheduled;
  private long commandsRejected;

  /**
   * @param partitions telemetry partitions of the recorded topic (production: {@link Topics#TELEMETRY}
   *     partitions); records are routed as the producer's default partitioner would
   */
  public InProcessPipeline(PipelineParameters parameters, int partitions, PipelineListener listener) {
    this(parameters, partitions, listener, 1);
  }

  /**
   * @param threads worker threads for the partitions' drivers (at most {@code partitions}); 1
   *     processes every record on the caller's thread
   */
  public InProcessPipeline(PipelineParameters parameters, int partitions, PipelineListener listener, int threads) {
    this(parameters, partitions, listener, threads, Stores.IN_MEMORY);
  }

  /** Where the drivers' topologies keep their state. */
  public enum Stores {
    /** Heap maps, no changelog: what a replay uses. */
    IN_MEMORY,
    /** RocksDB with changelogs, as production's services keep them: only to check that both give the same. */
    AS_PRODUCTION
  }

  /**
   * @param stores where the topologies keep their state; the outputs are the same either way
   *     ({@code StoreKindTest}), {@link Stores#IN_MEMORY} is much faster
   */
  public InProcessPipeline(PipelineParameters parameters, int partitions, PipelineListener listener, int threads,
      Stores stores) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, was " + threads);
    }
    this.parameters = parameters;
    this.stores = java.util.Objects.requireNonNull(stores, "stores");
    this.partitions = partitions;
    this.listener = listener;
    this.drivers = new PartitionDrivers[partitions];
    try {
      // The drivers want a state directory for their tasks even when their stores are in memory.
      stateDir = Files.createTempDirectory("pumptwin-replay-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the replay's state directory", e);
    }
    int n = Math.min(threads, partitions);
    workers = new ExecutorService[n == 1 ? 0 : n];
    for (int i = 0; i < workers.length; i++) {
      String name = "replay-partitions-" + i;
      workers[i] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * The staff commands to replay with the telemetry (see the class comment for where each goes),
   * before the first telemetry record is sent; a replay without commands does not call it.
   *
   * @throws IllegalArgumentException for a command of a partition the pipeline does not have (the
   *     command topic must be co-partitioned with telemetry, as production's alerting requires)
   */
  public void schedule(Collection<RecordedCommand> commands) {
    if (telemetryIn > 0 || commandsScheduled > 0) {
      throw new IllegalStateException("commands are scheduled once, before the first telemetry record");
    }
    Map<Integer, List<RecordedCommand>> byPartition = new java.util.TreeMap<>();
    for (RecordedCommand c : commands) {
      if (c.partition() < 0 || c.partition() >= partitions) {
        throw new IllegalArgumentException("staff command " + c.command().getCommandId() + " is on command partition "
            + c.partition() + " but telemetry has " + partitions + " partitions: the command topic must have as many "
            + "partitions as the telemetry topic");
      }
      byPartition.computeIfAbsent(c.partition(), p -> new ArrayList<>()).add(c);
    }
    byPartition.forEach((partition, list) -> {
      list.sort(Comparator.comparingLong(RecordedCommand::offset));
      PartitionDrivers d = driversOf(partition);
      long earliest = Long.MIN_VALUE;
      for (RecordedCommand c : list) {
        // Applied in offset order, each not before its record time (the alert it names was seen then).
        long pipedAt = c.appliedAt() != null ? c.appliedAt().toEpochMilli() : c.timestamp();
        long placedAt = Math.max(pipedAt, earliest);
        earliest = placedAt;
        d.commands.add(new ScheduledCommand(placedAt, pipedAt, c.command()));
        commandsScheduled++;
      }
    });
  }

  /**
   * The telemetry has ended: applies the commands production applied after the partition's last twin
   * event, then waits until everything is handed to the listener.
   */
  public void finishInput() {
    for (PartitionDrivers d : drivers) {
      if (d == null || d.commands.isEmpty()) {
        continue;
      }
      if (workers.length == 0) {
        deliver(d.applyRemainingCommands());
      } else {
        PartitionDrivers onWorker = d;
        pending.add(workers[d.partition % workers.length].submit(onWorker::applyRemainingCommands));
      }
    }
    awaitSent();
  }

  public long commandsScheduled() {
    return commandsScheduled;
  }

  /** Commands the alerting topology refused (no open alert of the type, a viewer's role...), of those applied so far. */
  public long commandsRejected() {
    awaitSent();
    return commandsRejected;
  }

  private PartitionDrivers driversOf(int partition) {
    PartitionDrivers d = drivers[partition];
    if (d == null) {
      d = new PartitionDrivers(partition);
      drivers[partition] = d;
    }
    return d;
  }

  /** The partition the producer's default partitioner gives this pump serial (murmur2 of the key). */
  public static int partitionOf(String pumpSerial, int partitions) {
    return Utils.toPositive(Utils.murmur2(pumpSerial.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** One record of a telemetry partition; records of a partition must come in offset order. */
  public void send(int partition, TelemetryEnvelope envelope, long recordTimestamp) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " outside 0.." + (partitions - 1));
    }
    PartitionDrivers d = driversOf(partition);
    telemetryIn++;
    if (workers.length == 0) {
      deliver(d.send(envelope, recordTimestamp));
      return;
    }
    PartitionDrivers onWorker = d;
    pending.add(workers[partition % workers.length].submit(() -> onWorker.send(envelope, recordTimestamp)));
    // Hand on what is done, in order; wait when too much is outstanding (bounds the memory).
    while (!pending.isEmpty() && (pending.size() > MAX_PENDING || pending.peek().isDone())) {
      deliver(await(pending.poll()));
    }
  }

  /** Waits until every record sent so far is processed and handed to the listener. */
  public void awaitSent() {
    while (!pending.isEmpty()) {
      deliver(await(pending.poll()));
    }
  }

  private static Published await(Future<Published> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the replay's partitions", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void deliver(Published p) {
    deadLetters += p.deadLetters;
    commandsRejected += p.commandsRejected;
    for (SpecificRecord r : p.records) {
      if (r instanceof TwinState state) {
        listener.onTwinState(p.partition, state);
      } else if (r instanceof TwinEvent event) {
        listener.onTwinEvent(p.partition, event);
      } else if (r instanceof AlertEvent alert) {
        listener.onAlert(p.partition, alert);
      }
    }
  }

  /** A record whose partition is unknown (simulated or hand-made input): routed by its pump serial. */
  public void send(TelemetryEnvelope envelope) {
    send(partitionOf(envelope.getPumpSerial(), partitions), envelope, envelope.getEventTime().toEpochMilli());
  }

  public long telemetryIn() {
    return telemetryIn;
  }

  /**
   * Telemetry the twin topology refused (production would have dead-lettered it too), of every
   * record sent so far (waits for them).
   */
  public long deadLetters() {
    awaitSent();
    return deadLetters;
  }

  public PipelineParameters parameters() {
    return parameters;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    try {
      awaitSent();
    } catch (RuntimeException e) {
      first = e;
    }
    for (ExecutorService w : workers) {
      w.shutdown();
    }
    for (ExecutorService w : workers) {
      try {
        // Bounded: a worker has at most MAX_PENDING records left, and they were awaited above.
        if (!w.awaitTermination(10, TimeUnit.MINUTES)) {
          first = first == null ? new IllegalStateException("replay worker did not stop") : first;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (PartitionDrivers d : drivers) {
      if (d != null) {
        try {
          d.close();
        } catch (RuntimeException e) {
          first = first == null ? e : first;
        }
      }
    }
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless; no figure depends on it.
    }
    if (first != null) {
      throw first;
    }
  }

  private static final int DISCARD_EVERY = 2_000;
  /** Records sent to workers and not yet handed to the listener, at most. */
  private static final int MAX_PENDING = 8_192;

  /** What one telemetry record caused on its partition, in the order the drivers published it. */
  private static final class Published {
    final int partition;
    final List<SpecificRecord> records = new ArrayList<>(2);
    long deadLetters;
    long commandsRejected;

    Published(int partition) {
      this.partition = partition;
    }
  }

  /**
   * TopologyTestDriver keeps every record its topologies produce until it is read, changelogs
   * included: a fleet-day's twin changelog alone would fill the heap (one kept record per input
   * record). Every topic the replay does not read is drained and dropped here, so memory stays
   * bounded by the state, not by the input.
   */
  private static void discardUnread(TopologyTestDriver driver, Map<String, TestOutputTopic<byte[], byte[]>> unread) {
    for (String topic : driver.producedTopicNames()) {
      if (READ_TOPICS.contains(topic)) {
        continue;
      }
      unread.computeIfAbsent(topic, t -> driver.createOutputTopic(t,
          new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer())).readRecordsToList();
    }
  }

  private static final java.util.Set<String> READ_TOPICS = java.util.Set.of(Topics.TWIN_STATE.name(),
      Topics.TWIN_EVENTS.name(), Topics.ALERTS.name(), Topics.TELEMETRY_DLQ.name());

  /**
   * A staff command waiting for its place: before the first twin event stamped after
   * {@code placedAt}; piped with timestamp {@code pipedAt}.
   */
  private record ScheduledCommand(long placedAt, long pipedAt, AlertCommand command) {}

  /** The twin and alerting topologies of one partition, as production's tasks of that partition. */
  private final class PartitionDrivers implements AutoCloseable {
    private final int partition;
    private final TopologyTestDriver twin;
    private final TopologyTestDriver alerting;
    private final TestInputTopic<String, TelemetryEnvelope> telemetry;
    private final TestOutputTopic<String, TwinState> states;
    private final TestOutputTopic<String, TwinEvent> twinEvents;
    private final TestOutputTopic<String, DeadLetter> twinDeadLetters;
    private final TestInputTopic<String, TwinEvent> alertingInput;
    private final TestInputTopic<String, AlertCommand> commandInput;
    /** This partition's staff commands not applied yet, in the order they go in. */
    private final ArrayDeque<ScheduledCommand> commands = new ArrayDeque<>();
    private final TestOutputTopic<String, AlertEvent> alerts;
    private final TestOutputTopic<String, DeadLetter> alertingDeadLetters;
    private final Map<String, TestOutputTopic<byte[], byte[]>> twinUnread = new java.util.HashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> alertingUnread = new java.util.HashMap<>();
    private long sent;

    PartitionDrivers(int partition) {
      this.partition = partition;
      Path dir = stateDir.resolve("p" + partition);
      // The partition's own registry: nothing of a replay reaches the production registry, and
      // partitions on different worker threads share no serde.
      TopicRegistry topics = new TopicRegistry(new InMemorySchemaRegistryClient(), SerdeSettings.autoRegistering());
      // Production's engine configuration (hourly routine state, default reorder window and sweep
      // grid, the same Streams settings); only the model parameters may differ.
      TwinEngineConfig twinConfig = TwinEngineConfig.defaults("in-process:9092", "in-process",
              dir.resolve("twin"))
          .withApplicationId("pumptwin-replay-twin").withModel(parameters.model());
      Properties twinProps = TwinEngine.streamsProperties(twinConfig);
      twin = new TopologyTestDriver(TwinTopology.build(twinConfig, topics, TwinMetrics.none(),
          stores == Stores.IN_MEMORY ? TwinTopology.StoreKind.IN_MEMORY
              : TwinTopology.StoreKind.PERSISTENT_CHANGELOGGED), twinProps, WALL_CLOCK);
      var names = twinConfig.topics();
      telemetry = twin.createInputTopic(names.telemetry(), new StringSerializer(),
          topics.topic(Topics.TELEMETRY).valueSerde().serializer());
      states = twin.createOutputTopic(names.twinState(), new StringDeserializer(),
          topics.topic(Topics.TWIN_STATE).valueSerde().deserializer());
      twinEvents = twin.createOutputTopic(names.twinEvents(), new StringDeserializer(),
          topics.topic(Topics.TWIN_EVENTS).valueSerde().deserializer());
      twinDeadLetters = twin.createOutputTopic(names.deadLetters(), new StringDeserializer(),
          topics.topic(Topics.TELEMETRY_DLQ).valueSerde().deserializer());

      AlertingConfig local = AlertingConfig.local("in-process:9092", dir, null, null, null);
      AlertingConfig alertingConfig = new AlertingConfig(local.bootstrapServers(), "pumptwin-replay-alerting",
          dir.resolve("alerting"), parameters.severity(), parameters.escalation(), local.sweepInterval(), 0,
          "127.0.0.1", 0, ApiAccess.none(), new OnCallRouting(Map.of(), Map.of()), null,
          RetryPolicy.defaults(), Duration.ofSeconds(5), Map.of(), AlertClock.STREAM_TIME,
          AlertingConfig.DEFAULT_LIVE_CLOCK_TICK, parameters.flapping());
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      alerting = new TopologyTestDriver(AlertingTopology.build(alertingConfig, topics, meters,
          stores == Stores.IN_MEMORY ? AlertingTopology.StoreKind.IN_MEMORY
              : AlertingTopology.StoreKind.PERSISTENT_CHANGELOGGED),
          AlertingTopology.streamsConfig(alertingConfig, topics, meters), WALL_CLOCK);
      Topic<TwinEvent> te = topics.topic(Topics.TWIN_EVENTS);
      Topic<AlertEvent> ae = topics.topic(Topics.ALERTS);
      Topic<DeadLetter> dl = topics.topic(Topics.TELEMETRY_DLQ);
      alertingInput = alerting.createInputTopic(te.name(), te.keySerde().serializer(), te.valueSerde().serializer());
      Topic<AlertCommand> ac = topics.topic(Topics.ALERT_COMMANDS);
      commandInput = alerting.createInputTopic(ac.name(), ac.keySerde().serializer(), ac.valueSerde().serializer());
      alerts = alerting.createOutputTopic(ae.name(), ae.keySerde().deserializer(), ae.valueSerde().deserializer());
      alertingDeadLetters = alerting.createOutputTopic(dl.name(), dl.keySerde().deserializer(),
          dl.valueSerde().deserializer());
    }

    Published send(TelemetryEnvelope envelope, long recordTimestamp) {
      telemetry.pipeInput(envelope.getPumpSerial(), envelope, recordTimestamp);
      Published out = new Published(partition);
      drain(out);
      if (++sent % DISCARD_EVERY == 0) {
        discardUnread(twin, twinUnread);
        discardUnread(alerting, alertingUnread);
      }
      return out;
    }

    private void drain(Published out) {
      if (!states.isEmpty()) {
        for (TestRecord<String, TwinState> r : states.readRecordsToList()) {
          out.records.add(r.value());
        }
      }
      if (!twinDeadLetters.isEmpty()) {
        out.deadLetters += twinDeadLetters.readRecordsToList().size();
      }
      if (!twinEvents.isEmpty()) {
        for (TestRecord<String, TwinEvent> r : twinEvents.readRecordsToList()) {
          TwinEvent event = r.value();
          out.records.add(event);
          applyCommandsBefore(r.timestamp(), out);
          // Stamped as the twin's sink stamps it: the event's own time.
          alertingInput.pipeInput(event.getPumpSerial(), event, r.timestamp());
          readAlerts(out);
        }
        if (!alertingDeadLetters.isEmpty()) {
          out.deadLetters += alertingDeadLetters.readRecordsToList().size();
        }
      }
    }

    private void readAlerts(Published out) {
      if (!alerts.isEmpty()) {
        for (TestRecord<String, AlertEvent> a : alerts.readRecordsToList()) {
          out.records.add(a.value());
        }
      }
    }

    /** The commands production applied before a twin event stamped {@code twinEventTime}. */
    private void applyCommandsBefore(long twinEventTime, Published out) {
      while (!commands.isEmpty() && commands.peek().placedAt() < twinEventTime) {
        apply(commands.poll(), out);
      }
    }

    private void apply(ScheduledCommand c, Published out) {
      if (!alertingDeadLetters.isEmpty()) {
        out.deadLetters += alertingDeadLetters.readRecordsToList().size();
      }
      commandInput.pipeInput(c.command().getPumpSerial(), c.command(), c.pipedAt());
      readAlerts(out);
      if (!alertingDeadLetters.isEmpty()) {
        out.commandsRejected += alertingDeadLetters.readRecordsToList().size();
      }
    }

    Published applyRemainingCommands() {
      Published out = new Published(partition);
      while (!commands.isEmpty()) {
        apply(commands.poll(), out);
      }
      return out;
    }

    @Override
    public void close() {
      discardUnread(twin, twinUnread);
      discardUnread(alerting, alertingUnread);
      try {
        twin.close();
      } finally {
        alerting.close();
      }
    }
  }
}
