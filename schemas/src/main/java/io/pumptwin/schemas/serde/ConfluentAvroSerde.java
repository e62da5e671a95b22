package io.pumptwin.schemas.serde;

import io.pumptwin.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Value serde in the Confluent wire format for one generated Avro class. */
public final class ConfluentAvroSerde<V extends SpecificRecord> implements Serde<V> {
  private final ConfluentAvroSerializer<V> serializer;
  private final ConfluentAvroDeserializer<V> deserializer;

  public ConfluentAvroSerde(SchemaRegistryClient registry, Class<V> type, SerdeSettings settings) {
    this.serializer = new ConfluentAvroSerializer<>(registry, type, settings, false);
    this.deserializer = new ConfluentAvroDeserializer<>(registry, type);
  }

  @Override
  public Serializer<V> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<V> deserializer() {
    return deserializer;
  }
}
