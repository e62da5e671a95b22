package io.pumptwin.schemas.topics;

import io.pumptwin.schemas.registry.SchemaRegistryClient;
import io.pumptwin.schemas.serde.ConfluentAvroSerde;
import io.pumptwin.schemas.serde.SerdeSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/** Binds topic specs to serdes of one registry; one per process, built at start-up and passed in. */
public final class TopicRegistry {
  private final SchemaRegistryClient registry;
  private final SerdeSettings settings;
  private final Map<String, Topic<?>> bound = new ConcurrentHashMap<>();

  public TopicRegistry(SchemaRegistryClient registry, SerdeSettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  @SuppressWarnings("unchecked")
  public <V extends SpecificRecord> Topic<V> topic(TopicSpec<V> spec) {
    return (Topic<V>) bound.computeIfAbsent(spec.name(), name -> new Topic<>(
        spec, Serdes.String(), new ConfluentAvroSerde<>(registry, spec.valueType(), settings)));
  }

  public SchemaRegistryClient schemaRegistry() {
    return registry;
  }

  /** How serializers of this registry find schema ids (auto-registering or pre-registered). */
  public SerdeSettings settings() {
    return settings;
  }

  /** Registers every topic's value schema under its subject; returns subject to schema id. */
  public Map<String, Integer> registerAll() {
    Map<String, Integer> ids = new java.util.LinkedHashMap<>();
    for (TopicSpec<?> spec : Topics.ALL) {
      ids.put(spec.valueSubject(), registry.register(spec.valueSubject(), spec.valueSchema()));
    }
    return ids;
  }
}
