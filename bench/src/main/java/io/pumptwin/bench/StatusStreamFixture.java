package io.pumptwin.bench;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A fleet's telemetry for a benchmark: every pump reports its status every 15 minutes, in event
 * time order per pump, with the pump's own reservoir arithmetic, and a refill when the pump's
 * computed volume reaches its alarm volume. Deterministic from the seed, so every contender of a
 * run and every run reads the same records.
 */
public final class StatusStreamFixture {
  private static final Duration CADENCE = Duration.ofMinutes(15);
  private static final double[] CONCENTRATIONS = {500, 1000, 2000};

  private StatusStreamFixture() {}

  /** An input topic holding the fixture: its name and how many records it holds. */
  public record Input(String topic, long records) {}

  /**
   * The fixture (seed 42) in a new topic of {@code stack}, with the product's partition count: what the throughput
   * and replay benchmarks read.
   */
  public static Input intoNewTopic(LocalStack stack, int pumps, int reportsPerPump) throws Exception {
    String topic = "bench.telemetry." + System.currentTimeMillis();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, Topics.DEFAULT_PARTITIONS, (short) 1))).all().get();
    }
    long t = System.nanoTime();
    long records = produce(stack.bootstrapServers(), stack.topicRegistry().topic(Topics.TELEMETRY), topic, pumps,
        reportsPerPump, 42L);
    System.err.printf("bench: produced %,d records for %,d pumps in %.1f s%n", records, pumps,
        (System.nanoTime() - t) / 1e9);
    return new Input(topic, records);
  }

  /** Writes {@code reportsPerPump} reports for each of {@code pumps} pumps; returns the count. */
  public static long produce(String bootstrap, Topic<TelemetryEnvelope> encoding, String topic,
      int pumps, int reportsPerPump, long seed) {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long count = 0;
    long started = System.nanoTime();
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      // Time-major order, as a real fleet would arrive: every pump's report for a slot, then the next.
      SplittableRandom random = new SplittableRandom(seed);
      FixturePump[] fleet = new FixturePump[pumps];
      for (int p = 0; p < pumps; p++) {
        fleet[p] = new FixturePump(p, seed, random);
      }
      for (int slot = 1; slot <= reportsPerPump; slot++) {
        for (FixturePump pump : fleet) {
          producer.send(new ProducerRecord<>(topic, pump.serial,
              encoding.valueSerde().serializer().serialize(topic, pump.report(slot))));
          count++;
        }
        if (slot % 4 == 0) {
          System.err.printf("bench fixture: %,d records (%.0f rec/s)%n", count,
              count / ((System.nanoTime() - started) / 1e9));
        }
      }
      producer.flush();
    }
    return count;
  }

  /**
   * One pump of the fixture: its prescription drawn from the fleet's random source, then a status report every
   * 15 minutes with the pump's own reservoir arithmetic, or a refill when the computed volume reaches 2 ml.
   */
  static final class FixturePump {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final int index;
    private final long seed;
    private final String serial;
    private final int capacity;
    private final double conc;
    private final double dose;
    private final double daily;
    private double volume;

    FixturePump(int index, long seed, SplittableRandom random) {
      this.index = index;
      this.seed = seed;
      this.serial = serial(index);
      this.capacity = random.nextBoolean() ? 20 : 40;
      this.conc = CONCENTRATIONS[random.nextInt(CONCENTRATIONS.length)];
      this.dose = 100 + random.nextInt(700);
      this.daily = dose / conc;
      this.volume = 2 + random.nextDouble() * (capacity - 2);
    }

    /** The pump's telemetry for report slot {@code slot} (1, 2, ...: call in order). */
    TelemetryEnvelope report(int slot) {
      volume = Math.max(0, volume - daily * CADENCE.toMinutes() / 1440.0);
      Object payload;
      if (volume <= 2.0) {
        payload = RefillRecord.newBuilder().setExpectedResidualMl(volume)
            .setMeasuredResidualMl(volume).setFilledVolumeMl(capacity)
            .setReservoirCapacityMl(capacity).setConcentrationMcgPerMl(conc)
            .setDoseMcgPerDay(dose).setProgrammedConcentrationMcgPerMl(null).build();
        volume = capacity;
      } else {
        payload = StatusReport.newBuilder().setPumpComputedReservoirMl(volume)
            .setReservoirCapacityMl(capacity).setLowReservoirAlarmMl(2.0)
            .setConcentrationMcgPerMl(conc).setDoseMcgPerDay(dose)
            .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
            .setBatteryRemainingPercent(80 - slot * 0.0001).setBatteryVoltageV(null)
            .setActiveAlarms(List.of()).build();
      }
      return TelemetryEnvelope.newBuilder()
          .setEventId(new UUID(seed ^ index, slot).toString())
          .setPumpSerial(serial).setPatientPseudonym("pat-" + Integer.toHexString(index * 7919))
          .setClinicId("clinic-" + (index % 50)).setEventTime(T0.plus(CADENCE.multipliedBy(slot))).setSequence(slot)
          .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null)
          .setPayload(payload).build();
    }
  }

  public static String serial(int p) {
    return String.format("NGP%07d", p);
  }
}
