package io.pumptwin.gateway.ingest;

import io.pumptwin.schemas.registry.SchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Remembers registered ids by subject and schema <em>instance</em>. The schemas module's client
 * caches by a parsing fingerprint, which it recomputes from the whole schema on every serialized
 * record; profiling the gateway showed that fingerprint as the single largest cost. A serializer
 * always passes the same Schema object, so an identity lookup is enough, and an id, once
 * registered, never changes.
 */
public final class SchemaIdCache implements SchemaRegistryClient {
  private final SchemaRegistryClient delegate;
  private final Map<String, Map<Schema, Integer>> registered = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> looked = new ConcurrentHashMap<>();

  SchemaIdCache(SchemaRegistryClient delegate) {
    this.delegate = delegate;
  }

  public static SchemaRegistryClient around(SchemaRegistryClient delegate) {
    return new SchemaIdCache(delegate);
  }

  @Override
  public int register(String subject, Schema schema) {
    return cached(registered, subject, schema, () -> delegate.register(subject, schema));
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return cached(looked, subject, schema, () -> delegate.idOf(subject, schema));
  }

  private static int cached(Map<String, Map<Schema, Integer>> cache, String subject, Schema schema,
      java.util.function.IntSupplier load) {
    Map<Schema, Integer> bySchema = cache.computeIfAbsent(subject,
        s -> java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>()));
    Integer id = bySchema.get(schema);
    if (id == null) {
      // Not under a lock: a failing registry call must not hold other subjects up; a race only
      // registers the same schema twice, which the registry treats as one.
      id = load.getAsInt();
      bySchema.put(schema, id);
    }
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    return delegate.schemaById(id);
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return delegate.latest(subject);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return delegate.isCompatible(subject, schema);
  }

  @Override
  public void setCompatibility(String subject, String level) {
    delegate.setCompatibility(subject, level);
  }

  @Override
  public List<String> subjects() {
    return delegate.subjects();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
