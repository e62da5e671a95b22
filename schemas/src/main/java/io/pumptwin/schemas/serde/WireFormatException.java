package io.pumptwin.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a valid Confluent wire-format Avro record. Extends Kafka's
 * {@link SerializationException} so Kafka's handlers see it; the subtype says what is wrong.
 */
public sealed class WireFormatException extends SerializationException
    permits WireFormatException.WrongMagicByte, WireFormatException.CorruptPayload {

  WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first byte is not 0: not Confluent wire format (plain JSON, raw Avro, another serde). */
  public static final class WrongMagicByte extends WireFormatException {
    private final int found;

    public WrongMagicByte(int found) {
      super("wrong magic byte: expected 0x00 (Confluent wire format), found 0x"
          + String.format("%02x", found & 0xff), null);
      this.found = found;
    }

    public int found() {
      return found;
    }
  }

  /** The header is fine but the Avro body does not decode with the writer schema. */
  public static final class CorruptPayload extends WireFormatException {
    public CorruptPayload(String detail, Throwable cause) {
      super("corrupt Avro payload: " + detail, cause);
    }
  }
}
