package io.pumptwin.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The bar a stateful Kafka Streams app is measured against (ENVIRONMENT.md): a bare
 * {@code groupByKey().aggregate()} into a persistent RocksDB store, over the same records. It keeps
 * a per-key running byte count and does no decoding at all, so it is the fastest a per-pump state
 * machine on this broker can possibly be.
 */
public final class BaselineAggregate {
  private BaselineAggregate() {}

  public static Topology build(String inputTopic) {
    return build(inputTopic, Materialized.as("baseline-store"));
  }

  /** The same aggregate into Kafka Streams' in-memory store (changelogged, cached as the RocksDB one). */
  public static Topology buildOnHeap(String inputTopic) {
    return build(inputTopic, Materialized.as(Stores.inMemoryKeyValueStore("baseline-store")));
  }

  private static Topology build(String inputTopic,
      Materialized<String, Long, KeyValueStore<Bytes, byte[]>> materialized) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .groupByKey()
        .aggregate(() -> 0L, (key, value, total) -> total + value.length,
            materialized.withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
    return builder.build();
  }
}
