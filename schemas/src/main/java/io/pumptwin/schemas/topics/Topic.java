package io.pumptwin.schemas.topics;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic bound to serdes that talk to one schema registry: the only way code here names a topic,
 * so no name is repeated and no wrong serde can be picked.
 */
public record Topic<V extends SpecificRecord>(
    TopicSpec<V> spec, Serde<String> keySerde, Serde<V> valueSerde) {

  public String name() {
    return spec.name();
  }
}
