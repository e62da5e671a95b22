package io.pumptwin.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that PumpTwin uses. Confluent's own client is
 * not on Maven Central (ENVIRONMENT.md), so this interface is ours; any Confluent-API registry
 * (Confluent, Apicurio's ccompat API, Karapace, Redpanda) can stand behind it.
 *
 * <p>Every failure is a {@link SchemaRegistryException} subtype that says what went wrong.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /** Registers (idempotently) a schema under a subject and returns its id. */
  int register(String subject, Schema schema);

  /** The id of a schema already registered under the subject, without registering it. */
  int idOf(String subject, Schema schema);

  /** The writer schema with this id; {@link UnknownSchemaIdException} if there is none. */
  Schema schemaById(int id);

  /** The latest version registered under a subject. */
  RegisteredSchema latest(String subject);

  /** Whether the schema may be registered under the subject by the subject's compatibility rule. */
  boolean isCompatible(String subject, Schema schema);

  List<String> subjects();

  /**
   * Sets the compatibility rule (BACKWARD, FORWARD, FULL, NONE, ...) of one subject, or the
   * registry-wide default when {@code subject} is null. Registries differ in their default
   * (Confluent: BACKWARD; Apicurio: no rule), so deployments set it explicitly.
   */
  void setCompatibility(String subject, String level);

  @Override
  default void close() {}

  record RegisteredSchema(String subject, int id, int version, Schema schema) {}
}
