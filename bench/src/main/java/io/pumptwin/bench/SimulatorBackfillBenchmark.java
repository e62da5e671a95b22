package io.pumptwin.bench;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.CountingSink;
import io.pumptwin.simulator.output.KafkaSink;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Simulated pump-days per second when backfilling a fleet to Kafka (issue 4), against a plain
 * producer sending records of the same kind and size to the same broker in the same run.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.SimulatorBackfillBenchmark \
 *     -Dbench.args="--pumps 100000 --days 1"
 * </pre>
 */
public final class SimulatorBackfillBenchmark {
  private static final int SAMPLE = 200_000;

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    int pumps = Integer.parseInt(opts.getOrDefault("--pumps", "100000"));
    double days = Double.parseDouble(opts.getOrDefault("--days", "1"));
    String out = opts.getOrDefault("--out", "bench/results/simulator-backfill.md");
    Scenario scenario = new ScenarioLoader().load("nominal-fleet").withOverrides(pumps, days);

    try (ScratchDir scratch = ScratchDir.create("pumptwin-bench-sim-");
        LocalStack stack = BenchStack.onFreePorts(scratch.path())) {
      Path dir = scratch.path();
      Map<String, Object> producerConfig = Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

      // 1. The simulation alone: physics and Avro objects, nothing sent.
      FleetSimulation inMemory = new FleetSimulation(scenario, 7);
      CountingSink counting = new CountingSink();
      long t0 = System.nanoTime();
      inMemory.runToEnd(counting);
      double memSeconds = (System.nanoTime() - t0) / 1e9;
      long records = counting.telemetry() + counting.groundTruth();
      System.err.printf("bench: in memory: %,d records in %.1f s%n", records, memSeconds);

      // 2. Backfill to Kafka: the same simulation, serialized and sent, acknowledged by the broker.
      FleetSimulation toKafka = new FleetSimulation(scenario, 7);
      long t1 = System.nanoTime();
      try (KafkaSink sink = new KafkaSink(stack.topicRegistry(), producerConfig, true)) {
        toKafka.runToEnd(sink);
      }
      double kafkaSeconds = (System.nanoTime() - t1) / 1e9;
      double pumpDays = toKafka.summary().pumpDays();
      System.err.printf("bench: to kafka: %,d records in %.1f s%n", records, kafkaSeconds);

      // 3. Baseline: a plain producer sending already-serialized records of the same kind (a sample
      // of this very fleet's records, cycled) to the same topics: the broker's and client's limit.
      List<ProducerRecord<byte[], byte[]>> sample = sample(stack, scenario);
      long t2 = System.nanoTime();
      var base = new java.util.HashMap<String, Object>(producerConfig);
      base.put(ProducerConfig.ACKS_CONFIG, "all");
      base.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      base.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      base.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
      try (var producer = new KafkaProducer<>(base, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (long i = 0; i < records; i++) {
          producer.send(sample.get((int) (i % sample.size())));
        }
        producer.flush();
      }
      double plainSeconds = (System.nanoTime() - t2) / 1e9;

      String table = String.format("Simulator backfill, %s: nominal-fleet, %,d pumps x %.1f day(s) at a"
          + " 15-minute status cadence, %,d records (telemetry + ground truth), acks=all, idempotent,"
          + " broker in the same JVM on %d cores%n%n"
          + "| run | seconds | records/s | pump-days/s | ratio to plain producer |%n|---|---:|---:|---:|---:|%n"
          + "| plain producer, pre-serialized records (baseline) | %.1f | %,.0f | | 1.00 |%n"
          + "| simulator backfill to Kafka | %.1f | %,.0f | %,.0f | %.2f |%n"
          + "| simulator in memory (no Kafka) | %.1f | %,.0f | %,.0f | |%n",
          Instant.now(), pumps, days, records, Runtime.getRuntime().availableProcessors(),
          plainSeconds, records / plainSeconds,
          kafkaSeconds, records / kafkaSeconds, pumpDays / kafkaSeconds, plainSeconds / kafkaSeconds,
          memSeconds, records / memSeconds, pumpDays / memSeconds);
      System.out.println(table);
      Path outPath = Path.of(out);
      Files.createDirectories(outPath.toAbsolutePath().getParent());
      Files.writeString(outPath, table);
    }
  }

  /** The first records of a small run of the same scenario, serialized as the sink would. */
  private static List<ProducerRecord<byte[], byte[]>> sample(LocalStack stack, Scenario scenario) {
    Topic<TelemetryEnvelope> telemetry = stack.topicRegistry().topic(Topics.TELEMETRY);
    Topic<GroundTruth> truth = stack.topicRegistry().topic(Topics.GROUND_TRUTH);
    List<ProducerRecord<byte[], byte[]>> sample = new ArrayList<>(SAMPLE);
    FleetSimulation simulation = new FleetSimulation(scenario.withOverrides(2_000, 1.0), 11);
    SimulationSink capture = new SimulationSink() {
      @Override
      public void telemetry(TelemetryEnvelope e) {
        if (sample.size() < SAMPLE) {
          sample.add(new ProducerRecord<>(telemetry.name(), null, e.getEventTime().toEpochMilli(),
              e.getPumpSerial().getBytes(), telemetry.valueSerde().serializer().serialize(telemetry.name(), e)));
        }
      }

      @Override
      public void groundTruth(GroundTruth g) {
        if (sample.size() < SAMPLE) {
          sample.add(new ProducerRecord<>(truth.name(), null, g.getSimTime().toEpochMilli(),
              g.getPumpSerial().getBytes(), truth.valueSerde().serializer().serialize(truth.name(), g)));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    simulation.runToEnd(capture);
    return sample;
  }

  private SimulatorBackfillBenchmark() {}
}
