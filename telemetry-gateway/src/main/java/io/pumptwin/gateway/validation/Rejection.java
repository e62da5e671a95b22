package io.pumptwin.gateway.validation;

import java.util.Objects;

/**
 * Why one piece of input was refused, in terms a device developer can act on: the field (a JSON
 * pointer-like path such as {@code payload.reservoirCapacityMl}) and the rule it broke. The code is
 * a small closed vocabulary, safe as a metric tag and as the dead-letter {@code reasonCode}.
 */
public record Rejection(String field, Code code, String reason) {

  public Rejection {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(reason, "reason");
  }

  /** The closed set of reasons; low cardinality on purpose (it becomes a metric tag). */
  public enum Code {
    /** The body is not JSON, or not the expected shape (object, {@code events} array). */
    MALFORMED_BODY,
    /** A required field is absent. */
    MISSING_FIELD,
    /** A field the schema does not know (likely a typo the device would otherwise never see). */
    UNKNOWN_FIELD,
    /** A value of the wrong JSON type, or an unknown enum symbol / payload type. */
    WRONG_TYPE,
    /** A well-typed value outside the clinical or technical range. */
    OUT_OF_RANGE,
    /** Fields that contradict each other. */
    INCONSISTENT,
    /** An Avro body that is not the Confluent wire format, or does not decode. */
    UNDECODABLE,
    /** An Avro body written with a schema id the registry does not know. */
    UNKNOWN_SCHEMA_ID,
    /** An authenticated device sent for a pump that is not provisioned to it. */
    PUMP_NOT_ALLOWED,
    /** A content type this endpoint does not read. */
    UNSUPPORTED_MEDIA_TYPE
  }

  public static Rejection of(String field, Code code, String reason) {
    return new Rejection(field, code, reason);
  }

  /** The reason with the field in front, as a person reads it in a log or a problem document. */
  public String describe() {
    return field == null ? reason : field + ": " + reason;
  }
}
