package io.pumptwin.schemas.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;

/**
 * A registry held in memory, for {@code TopologyTestDriver} tests that run without a broker or a
 * registry (STYLE.md: topologies are tested without Kafka running). It applies BACKWARD
 * compatibility like the registries' default. Never used by a running service.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private final Map<Integer, Schema> byId = new LinkedHashMap<>();
  private final Map<Long, Integer> idByFingerprint = new LinkedHashMap<>();
  private final Map<String, List<Integer>> versions = new LinkedHashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> ids = versions.computeIfAbsent(subject, s -> new ArrayList<>());
    int id = idByFingerprint.computeIfAbsent(SchemaNormalization.parsingFingerprint64(schema), f -> {
      int next = byId.size() + 1;
      byId.put(next, schema);
      return next;
    });
    if (!ids.contains(id)) {
      if (!ids.isEmpty() && !compatible(byId.get(ids.get(ids.size() - 1)), schema)) {
        throw new SchemaRegistryException.IncompatibleSchema(subject, "not BACKWARD compatible");
      }
      ids.add(id);
    }
    return id;
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    Integer id = idByFingerprint.get(SchemaNormalization.parsingFingerprint64(schema));
    if (id == null || !versions.getOrDefault(subject, List.of()).contains(id)) {
      throw new SchemaRegistryException.SchemaNotRegistered(subject);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaRegistryException.UnknownSchemaId(id);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<Integer> ids = versions.get(subject);
    if (ids == null || ids.isEmpty()) {
      throw new SchemaRegistryException.SubjectNotFound(subject);
    }
    int id = ids.get(ids.size() - 1);
    return new RegisteredSchema(subject, id, ids.size(), byId.get(id));
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Integer> ids = versions.get(subject);
    return ids == null || ids.isEmpty() || compatible(byId.get(ids.get(ids.size() - 1)), schema);
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(versions.keySet());
  }

  /** Only BACKWARD is modelled; other levels are refused rather than silently ignored. */
  @Override
  public void setCompatibility(String subject, String level) {
    if (!"BACKWARD".equals(level)) {
      throw new UnsupportedOperationException("the in-memory registry models BACKWARD only, not " + level);
    }
  }

  private static boolean compatible(Schema previous, Schema next) {
    return SchemaCompatibility.checkReaderWriterCompatibility(next, previous).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }
}
