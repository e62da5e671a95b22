package io.pumptwin.twin.topology;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.Objects;

/**
 * A telemetry record as read from the topic: decoded, or not decodable, always with its raw bytes so a
 * refused record reaches the dead-letter topic exactly as it arrived. Decoding happens once, in the source's
 * deserializer, so the timestamp extractor can read the event time without decoding a second time.
 */
sealed interface TelemetryInput {

    byte[] raw();

    record Decoded(TelemetryEnvelope envelope, byte[] raw) implements TelemetryInput {
        public Decoded {
            Objects.requireNonNull(envelope);
        }
    }

    /** Bytes that are no TelemetryEnvelope; reasonCode as in DeadLetter.reasonCode. */
    record Undecodable(String reasonCode, String reason, byte[] raw) implements TelemetryInput {
    }

    /**
     * Never throws for bad bytes (they become {@link Undecodable}); throws only when the registry cannot be
     * asked, which is not the record's fault and must not send good telemetry to the dead-letter topic.
     */
    final class Reader implements Deserializer<TelemetryInput> {
        private final Deserializer<TelemetryEnvelope> envelopes;

        Reader(Deserializer<TelemetryEnvelope> envelopes) {
            this.envelopes = envelopes;
        }

        @Override
        public TelemetryInput deserialize(String topic, byte[] data) {
            if (data == null) {
                return new Undecodable("UNDECODABLE", "record has no value (null)", new byte[0]);
            }
            try {
                return new Decoded(envelopes.deserialize(topic, data), data);
            } catch (WireFormatException e) {
                return new Undecodable("UNDECODABLE", e.getMessage(), data);
            } catch (SchemaRegistryException.UnknownSchemaId e) {
                return new Undecodable("UNKNOWN_SCHEMA_ID", e.getMessage(), data);
            }
        }
    }
}
