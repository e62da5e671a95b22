package io.pumptwin.bench;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.ConfluentAvroDeserializer;
import io.pumptwin.schemas.serde.ConfluentAvroSerializer;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * What reading a telemetry record costs, the first thing the twin engine does with each of them: through the
 * product's deserializer (Confluent header, then TelemetryEnvelopeReader for records in the envelope's own schema),
 * against Avro's reader as the deserializer used it before (the fast reader, the baseline), and Avro's reader with the
 * generated custom coders (which it reads through a ResolvingDecoder). The records are the throughput benchmark's
 * fixture (status reports, a refill when a pump's reservoir reaches its alarm volume), framed as the gateway writes
 * them; in-process, no Kafka; best of several rounds after a warm-up, every reader in every round.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.TelemetryDecodeCost
 * </pre>
 */
public final class TelemetryDecodeCost {
  private static final int PUMPS = 20_000;
  private static final int REPORTS = 10;
  private static final int ROUNDS = 7;

  private TelemetryDecodeCost() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    String out = opts.getOrDefault("--out", "bench/results/telemetry-decode-cost.md");
    String topic = Topics.TELEMETRY.name();
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    ConfluentAvroSerializer<TelemetryEnvelope> serializer = new ConfluentAvroSerializer<>(registry,
        TelemetryEnvelope.class, SerdeSettings.autoRegistering(), false);
    byte[][] records = new byte[PUMPS * REPORTS][];
    SplittableRandom random = new SplittableRandom(42);
    StatusStreamFixture.FixturePump[] fleet = new StatusStreamFixture.FixturePump[PUMPS];
    for (int p = 0; p < PUMPS; p++) {
      fleet[p] = new StatusStreamFixture.FixturePump(p, 42, random);
    }
    long bytes = 0;
    for (int slot = 1; slot <= REPORTS; slot++) { // time-major, as the topic holds them
      for (int p = 0; p < PUMPS; p++) {
        byte[] r = serializer.serialize(topic, fleet[p].report(slot));
        records[(slot - 1) * PUMPS + p] = r;
        bytes += r.length;
      }
    }
    ConfluentAvroDeserializer<TelemetryEnvelope> product = new ConfluentAvroDeserializer<>(registry,
        TelemetryEnvelope.class);
    SpecificDatumReader<TelemetryEnvelope> fast = new SpecificDatumReader<>(TelemetryEnvelope.class);
    SpecificData coders = new SpecificData();
    coders.setCustomCoders(true);
    coders.setFastReaderEnabled(false);
    coders.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    coders.addLogicalTypeConversion(new TimeConversions.DateConversion());
    SpecificDatumReader<TelemetryEnvelope> generated = new SpecificDatumReader<>(TelemetryEnvelope.getClassSchema(),
        TelemetryEnvelope.getClassSchema(), coders);
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round <= ROUNDS; round++) { // round 0 warms up
      for (int k = 0; k < 3; k++) {
        int reader = (k + round) % 3; // each reader first in turn
        long sink = 0;
        long t = System.nanoTime();
        BinaryDecoder decoder = null;
        for (byte[] r : records) {
          TelemetryEnvelope e;
          if (reader == 0) {
            e = product.deserialize(topic, r);
          } else {
            decoder = DecoderFactory.get().binaryDecoder(r, 5, r.length - 5, decoder);
            e = (reader == 1 ? fast : generated).read(null, decoder);
          }
          sink += e.getSequence();
        }
        double nanos = (System.nanoTime() - t) / (double) records.length;
        if (sink != (long) PUMPS * REPORTS * (REPORTS + 1) / 2) {
          throw new IllegalStateException("reader " + reader + " read other records");
        }
        if (round > 0) {
          best[reader] = Math.min(best[reader], nanos);
        }
      }
      System.err.printf("telemetry decode cost: round %d of %d%n", round, ROUNDS);
    }
    String report = render(records.length, bytes / (double) records.length, best);
    ResultsHistory.prepend(Path.of(out), report);
    System.out.print(report);
  }

  static String render(int records, double meanBytes, double[] best) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Reading a telemetry record, %s: the throughput benchmark's fixture, %,d"
        + " records (%,d pumps x %d reports, %.0f bytes each on average, Confluent-framed), best of %d rounds after a"
        + " warm-up, every reader in every round%n%n"
        + "| reader | ns per record | ratio (baseline/this) |%n|---|---:|---:|%n", Instant.now(), records, PUMPS,
        REPORTS, meanBytes, ROUNDS));
    String[] names = {"product: the deserializer (header, TelemetryEnvelopeReader)",
        "Avro's fast reader, as the deserializer read telemetry before (baseline)",
        "Avro's reader with the generated custom coders (ResolvingDecoder)"};
    for (int k : new int[] {1, 0, 2}) {
      sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f |%n", names[k], best[k], best[1] / best[k]));
    }
    sb.append(String.format(Locale.ROOT, "%nCommand: `./mvnw -q -pl bench exec:exec"
        + " -Dbench.main=io.pumptwin.bench.TelemetryDecodeCost`%n"));
    return sb.toString();
  }
}
