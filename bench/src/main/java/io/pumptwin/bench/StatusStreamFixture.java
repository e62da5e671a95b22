package io.pumptwin.bench;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
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

  /** Writes {@code reportsPerPump} reports for each of {@code pumps} pumps; returns the count. */
  public static long produce(String bootstrap, Topic<TelemetryEnvelope> encoding, String topic,
      int pumps, int reportsPerPump, long seed) {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    long count = 0;
    long started = System.nanoTime();
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      // Time-major order, as a real fleet would arrive: every pump's report for a slot, then the next.
      double[] volume = new double[pumps];
      double[] daily = new double[pumps];
      double[] dose = new double[pumps];
      double[] conc = new double[pumps];
      int[] capacity = new int[pumps];
      SplittableRandom random = new SplittableRandom(seed);
      for (int p = 0; p < pumps; p++) {
        capacity[p] = random.nextBoolean() ? 20 : 40;
        conc[p] = CONCENTRATIONS[random.nextInt(CONCENTRATIONS.length)];
        dose[p] = 100 + random.nextInt(700);
        daily[p] = dose[p] / conc[p];
        volume[p] = 2 + random.nextDouble() * (capacity[p] - 2);
      }
      for (int slot = 1; slot <= reportsPerPump; slot++) {
        Instant at = t0.plus(CADENCE.multipliedBy(slot));
        for (int p = 0; p < pumps; p++) {
          String serial = serial(p);
          volume[p] = Math.max(0, volume[p] - daily[p] * CADENCE.toMinutes() / 1440.0);
          Object payload;
          if (volume[p] <= 2.0) {
            payload = RefillRecord.newBuilder().setExpectedResidualMl(volume[p])
                .setMeasuredResidualMl(volume[p]).setFilledVolumeMl(capacity[p])
                .setReservoirCapacityMl(capacity[p]).setConcentrationMcgPerMl(conc[p])
                .setDoseMcgPerDay(dose[p]).setProgrammedConcentrationMcgPerMl(null).build();
            volume[p] = capacity[p];
          } else {
            payload = StatusReport.newBuilder().setPumpComputedReservoirMl(volume[p])
                .setReservoirCapacityMl(capacity[p]).setLowReservoirAlarmMl(2.0)
                .setConcentrationMcgPerMl(conc[p]).setDoseMcgPerDay(dose[p])
                .setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
                .setBatteryRemainingPercent(80 - slot * 0.0001).setBatteryVoltageV(null)
                .setActiveAlarms(List.of()).build();
          }
          TelemetryEnvelope envelope = TelemetryEnvelope.newBuilder()
              .setEventId(new UUID(seed ^ p, slot).toString())
              .setPumpSerial(serial).setPatientPseudonym("pat-" + Integer.toHexString(p * 7919))
              .setClinicId("clinic-" + (p % 50)).setEventTime(at).setSequence(slot)
              .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null)
              .setPayload(payload).build();
          producer.send(new ProducerRecord<>(topic, serial,
              encoding.valueSerde().serializer().serialize(topic, envelope)));
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

  public static String serial(int p) {
    return String.format("NGP%07d", p);
  }
}
