package io.pumptwin.alerting.stream;

import io.pumptwin.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

/** Dead-letter records of this stage: the reason a person can act on, and the raw bytes. */
final class DeadLetters {
  static final String STAGE = "alerting";

  private DeadLetters() {}

  static DeadLetter of(String reasonCode, String reason, String field, String pumpSerial,
      String topic, Integer partition, Long offset, byte[] rawKey, byte[] rawValue, Instant at) {
    return DeadLetter.newBuilder()
        .setDeadLetterId(UUID.randomUUID().toString())
        .setStage(STAGE)
        .setReasonCode(reasonCode)
        .setReason(reason)
        .setField(field)
        .setPumpSerial(pumpSerial)
        .setOriginTopic(topic)
        .setOriginPartition(partition)
        .setOriginOffset(offset)
        .setOriginKey(rawKey == null ? null : ByteBuffer.wrap(rawKey))
        .setRawValue(ByteBuffer.wrap(rawValue == null ? new byte[0] : rawValue))
        .setContentType("application/vnd.pumptwin.avro")
        .setOccurredAt(at)
        .build();
  }
}
