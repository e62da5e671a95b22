package io.pumptwin.alerting.stream;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record on an input topic that does not decode becomes a DeadLetter on the dead-letter topic and
 * processing resumes: one poison record must not stop alerts for the whole partition. The
 * dead-letter record goes out through Streams' own producer, so under exactly-once it commits
 * together with the skipped offset.
 */
public final class DeadLetterOnDecodeFailure implements DeserializationExceptionHandler {
  /** Config key under which {@link AlertingTopology#streamsConfig} passes the dead-letter sink. */
  public static final String SINK_CONFIG = "pumptwin.alerting.dead-letter-sink";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterOnDecodeFailure.class);

  /** Where and how dead letters are written; given to the handler through its config map. */
  public record Sink(String topic, Serializer<DeadLetter> serializer, Runnable onDeadLetter) {}

  private Sink sink;

  @Override
  public void configure(Map<String, ?> configs) {
    Object value = configs.get(SINK_CONFIG);
    if (!(value instanceof Sink s)) {
      throw new IllegalStateException(SINK_CONFIG + " must be set to a DeadLetterOnDecodeFailure.Sink");
    }
    this.sink = s;
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    if (exception instanceof SchemaRegistryException.RegistryUnavailable) {
      // Not a poison record: the registry is down. Failing lets the service replace the stream
      // thread and retry from the last commit, so the record is neither lost nor dead-lettered.
      log.warn("event=alerting.registry_unavailable topic={} partition={} offset={}",
          record.topic(), record.partition(), record.offset());
      return Response.fail();
    }
    String code = exception instanceof SchemaRegistryException ? "UNKNOWN_SCHEMA_ID"
        : exception instanceof WireFormatException ? "UNDECODABLE" : "DESERIALIZATION_FAILED";
    String serial = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetters.of(code, "cannot decode record from " + record.topic() + ": "
            + exception.getMessage(), null, serial, record.topic(), record.partition(),
        record.offset(), record.key(), record.value(), Instant.now());
    log.warn("event=alerting.dead_letter reason={} topic={} partition={} offset={} pump={}", code,
        record.topic(), record.partition(), record.offset(), serial);
    sink.onDeadLetter().run();
    byte[] value = sink.serializer().serialize(sink.topic(), letter);
    return Response.resume(List.of(new ProducerRecord<>(sink.topic(), null, record.timestamp(),
        record.key(), value)));
  }
}
