package io.pumptwin.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The bar a stateful Kafka Streams app is measured against (ENVIRONMENT.md): a bare
 * {@code groupByKey().aggregate()} into a persistent RocksDB store, over the same records. It keeps
 * a per-key running byte count and does no decoding at all, so it is the fastest a per-pump state
 * machine on this broker can possibly be.
 */
public final class BaselineAggregate {
  private BaselineAggregate() {}

  public static Topology build(String inputTopic) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .groupByKey()
        .aggregate(() -> 0L, (key, value, total) -> total + value.length,
            Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("baseline-store")
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
    return builder.build();
  }
}
