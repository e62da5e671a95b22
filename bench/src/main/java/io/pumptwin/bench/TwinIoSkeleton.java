package io.pumptwin.bench;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The twin engine's input and output without its models: the floor any twin with the engine's contract stands on.
 * Per record it decodes the Avro telemetry, reads the pump's value from a changelogged, uncached RocksDB store and
 * writes back one of the twin's size, and at the twin's rate (a pump's first record, then at most hourly in event
 * time) writes a twin-state-sized record to an output topic. No model runs, nothing is encoded field by field.
 *
 * <p>Sizes are the twin's own, measured for this benchmark's pumps (10 status reports, 15 minutes apart):
 * the stored twin 618 bytes plus the store header's 29, the Avro TwinState 1,404 bytes plus the 5-byte
 * schema header. The bytes are random (copied from a pool made once): lz4 cannot shrink them, so the broker moves
 * at least what it moves for the twin, whose values compress somewhat; zeros would have made this floor too low.
 */
final class TwinIoSkeleton {
  static final int TWIN_BYTES = 618 + 29;
  static final int STATE_BYTES = 1404 + 5;
  /** Half the stored twin: the floor a lighter stored twin (a hot part rewritten per report) would stand on. */
  static final int HALF_TWIN_BYTES = 320;
  private static final long EMIT_INTERVAL_MS = 3_600_000L;
  private static final int POOL = 256;
  private static final byte[][] STATES = randomBlocks(STATE_BYTES, 2);

  private static byte[][] randomBlocks(int size, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    byte[][] blocks = new byte[POOL][size];
    for (byte[] b : blocks) {
      for (int i = 0; i < size; i++) {
        b[i] = (byte) random.nextInt(256);
      }
    }
    return blocks;
  }

  static Topology build(String inputTopic, TopicRegistry registry) {
    return build(inputTopic, registry, TWIN_BYTES);
  }

  /** The same I/O with a stored twin of {@code twinBytes} (header included): what a smaller stored twin would cost. */
  static Topology build(String inputTopic, TopicRegistry registry, int twinBytes) {
    byte[][] twins = randomBlocks(twinBytes, 1);
    Topology t = new Topology();
    t.addSource("telemetry", Serdes.String().deserializer(),
        registry.topic(Topics.TELEMETRY).valueSerde().deserializer(), inputTopic);
    t.addProcessor("skeleton", () -> new Skeleton(twins), "telemetry");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("skeleton-twins"),
        Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(Map.of()).withCachingDisabled(), "skeleton");
    t.addSink("state", inputTopic + ".skeleton-state", Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), "skeleton");
    return t;
  }

  private static final class Skeleton implements Processor<String, TelemetryEnvelope, String, byte[]> {
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> twins;
    private final byte[][] blocks;

    Skeleton(byte[][] blocks) {
      this.blocks = blocks;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.twins = context.getStateStore("skeleton-twins");
    }

    @Override
    public void process(Record<String, TelemetryEnvelope> record) {
      long at = record.value().getEventTime().toEpochMilli();
      byte[] before = twins.get(record.key());
      long emitted = before == null ? Long.MIN_VALUE : ByteBuffer.wrap(before).getLong();
      boolean emit = before == null || at - emitted >= EMIT_INTERVAL_MS;
      int pick = (int) (record.value().getSequence() + record.key().hashCode()) & (POOL - 1);
      byte[] after = blocks[pick].clone();
      ByteBuffer.wrap(after).putLong(emit ? at : emitted).putLong(record.value().getSequence());
      twins.put(record.key(), after);
      if (emit) {
        context.forward(new Record<>(record.key(), STATES[pick].clone(), at), "state");
      }
    }
  }

  private TwinIoSkeleton() {}
}
