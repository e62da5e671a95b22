package io.pumptwin.twin.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Stream time is event time (DESIGN.md "Time"): the envelope's eventTime, not when the record was produced,
 * so a replay of last year's telemetry sweeps, flushes and raises exactly as it did live. A record without a
 * usable event time (undecodable, or before 1970) does not move stream time; it keeps the partition's time
 * so Kafka Streams does not drop it, and the processor dead-letters it.
 */
final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof TelemetryInput.Decoded d && d.envelope().getEventTime() != null) {
            long t = d.envelope().getEventTime().toEpochMilli();
            if (t >= 0) {
                return t;
            }
        }
        return Math.max(partitionTime, 0);
    }
}
