package io.pumptwin.bench;

import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.ConfluentAvroSerializer;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.wire.TwinMapping;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * What writing a TwinState costs, the twin engine's most frequent Avro record after the telemetry it reads: through
 * the product's serializer (Avro's generated coders, which our record template extends to records with timestamps,
 * and a buffered encoder), against Avro's generic writer with a direct encoder (the baseline: how every record with
 * timestamps was written before), both into a reused buffer and copied out. States of the throughput benchmark's
 * fixture pumps at two ages; in-process, no Kafka; best of several rounds after a warm-up.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.AvroWriteCost
 * </pre>
 */
public final class AvroWriteCost {
  private static final int[] AGES = {10, 2_880};
  private static final int PUMPS = 50;
  private static final int ROUNDS = 7;
  private static final int WRITES = 200_000;

  private AvroWriteCost() {}

  record Row(int reports, double meanBytes, double baselineNanos, double productNanos) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    String out = opts.getOrDefault("--out", "bench/results/avro-write-cost.md");
    TwinModelParameters model = TwinModelParameters.defaults();
    TwinFootprint.Fleet fleet = new TwinFootprint.Fleet(PUMPS);
    ConfluentAvroSerializer<TwinState> product = new ConfluentAvroSerializer<>(new InMemorySchemaRegistryClient(),
        TwinState.class, SerdeSettings.autoRegistering(), false);
    SpecificData generic = new SpecificData();
    generic.setCustomCoders(false);
    generic.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    generic.addLogicalTypeConversion(new TimeConversions.DateConversion());
    SpecificDatumWriter<TwinState> baseline = new SpecificDatumWriter<>(TwinState.getClassSchema(), generic);
    List<Row> rows = new ArrayList<>();
    for (int age : AGES) {
      fleet.ageTo(age, model);
      List<TwinState> states = fleet.twins.stream().map(t -> TwinMapping.toTwinState(t, model.digest())).toList();
      rows.add(measure(age, states, product, baseline));
      Row r = rows.get(rows.size() - 1);
      System.err.printf("avro write cost: %,d reports: %.0f bytes, baseline %.0f ns, product %.0f ns%n", age,
          r.meanBytes(), r.baselineNanos(), r.productNanos());
    }
    String report = render(rows);
    ResultsHistory.prepend(Path.of(out), report);
    System.out.print(report);
  }

  private static Row measure(int age, List<TwinState> states, ConfluentAvroSerializer<TwinState> product,
      SpecificDatumWriter<TwinState> baseline) throws Exception {
    String topic = Topics.TWIN_STATE.name();
    ByteArrayOutputStream scratch = new ByteArrayOutputStream(8192);
    BinaryEncoder direct = null;
    double bestBaseline = Double.MAX_VALUE;
    double bestProduct = Double.MAX_VALUE;
    long bytes = 0;
    long sink = 0;
    for (int round = 0; round <= ROUNDS; round++) { // round 0 warms up
      long t = System.nanoTime();
      for (int i = 0; i < WRITES; i++) {
        scratch.reset();
        direct = EncoderFactory.get().directBinaryEncoder(scratch, direct);
        baseline.write(states.get(i % states.size()), direct);
        sink += scratch.toByteArray().length;
      }
      double baselineNanos = (System.nanoTime() - t) / (double) WRITES;
      t = System.nanoTime();
      bytes = 0;
      for (int i = 0; i < WRITES; i++) {
        bytes += product.serialize(topic, states.get(i % states.size())).length;
      }
      double productNanos = (System.nanoTime() - t) / (double) WRITES;
      if (round > 0) {
        bestBaseline = Math.min(bestBaseline, baselineNanos);
        bestProduct = Math.min(bestProduct, productNanos);
      }
    }
    if (sink == 0) {
      throw new IllegalStateException("nothing written");
    }
    return new Row(age, bytes / (double) WRITES, bestBaseline, bestProduct);
  }

  static String render(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Writing a TwinState, %s: %d fixture pumps' twins per age, %,d writes a round,"
        + " best of %d rounds after a warm-up; baseline Avro's generic writer with a direct encoder (custom coders off),"
        + " product the serializer the engine uses (generated coders, buffered encoder, Confluent header)%n%n"
        + "| reports (age) | bytes per state | baseline, ns per state | product, ns per state | ratio (baseline/product)"
        + " |%n|---|---:|---:|---:|---:|%n", Instant.now(), PUMPS, WRITES, ROUNDS));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %,d | %.0f | %.0f | %.0f | %.2f |%n", r.reports(), r.meanBytes(),
          r.baselineNanos(), r.productNanos(), r.baselineNanos() / r.productNanos()));
    }
    sb.append(String.format(Locale.ROOT, "%nCommand: `./mvnw -q -pl bench exec:exec"
        + " -Dbench.main=io.pumptwin.bench.AvroWriteCost`%n"));
    return sb.toString();
  }
}
