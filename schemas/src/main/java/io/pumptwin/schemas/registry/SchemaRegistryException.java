package io.pumptwin.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema-registry failure. It extends Kafka's {@link SerializationException} so that a failure on
 * the serde path reaches Kafka's own error handling (Streams' deserialization handler, the
 * producer's send callback) as what it is, and each subtype tells a person what to do.
 */
public sealed class SchemaRegistryException extends SerializationException
    permits SchemaRegistryException.RegistryUnavailable,
        SchemaRegistryException.UnknownSchemaId,
        SchemaRegistryException.SubjectNotFound,
        SchemaRegistryException.SchemaNotRegistered,
        SchemaRegistryException.IncompatibleSchema,
        SchemaRegistryException.Unauthorized,
        SchemaRegistryException.RequestRejected {

  SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The registry could not be reached, or kept answering 5xx, after the bounded retries. */
  public static final class RegistryUnavailable extends SchemaRegistryException {
    public RegistryUnavailable(String url, int attempts, Throwable cause) {
      super("schema registry unavailable: url=" + url + " attempts=" + attempts
          + (cause == null ? "" : " cause=" + cause), cause);
    }
  }

  /** A record names a schema id the registry does not know (wrong registry, or deleted schema). */
  public static final class UnknownSchemaId extends SchemaRegistryException {
    private final int schemaId;

    public UnknownSchemaId(int schemaId) {
      super("unknown schema id " + schemaId + ": the record was written against another registry"
          + " or its schema was deleted", null);
      this.schemaId = schemaId;
    }

    public int schemaId() {
      return schemaId;
    }
  }

  public static final class SubjectNotFound extends SchemaRegistryException {
    public SubjectNotFound(String subject) {
      super("subject not found: " + subject, null);
    }
  }

  /** Auto-registration is off and the schema was never registered under the subject. */
  public static final class SchemaNotRegistered extends SchemaRegistryException {
    public SchemaNotRegistered(String subject) {
      super("schema not registered under subject " + subject
          + " and auto-registration is off: register it first (bin/pumptwin local does)", null);
    }
  }

  /** The registry refused the schema under the subject's compatibility rule (HTTP 409). */
  public static final class IncompatibleSchema extends SchemaRegistryException {
    public IncompatibleSchema(String subject, String detail) {
      super("schema incompatible with subject " + subject + ": " + detail, null);
    }
  }

  /** 401/403: credentials missing or wrong. */
  public static final class Unauthorized extends SchemaRegistryException {
    public Unauthorized(String url, int status) {
      super("schema registry refused credentials: url=" + url + " status=" + status, null);
    }
  }

  /** Any other 4xx: a bad request this client made; not retried. */
  public static final class RequestRejected extends SchemaRegistryException {
    private final int status;

    public RequestRejected(String url, int status, String body) {
      super("schema registry rejected request: url=" + url + " status=" + status + " body=" + body,
          null);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
