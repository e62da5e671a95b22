package io.pumptwin.twin.topology;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.store.PumpTwinStoreCodec;

import java.nio.ByteBuffer;

/**
 * A value of the twin store: a small fixed header the topology reads on every record and every sweep step,
 * then the twin in {@link PumpTwinStoreCodec}'s lossless format, decoded only when the twin is needed. The
 * header lets the silent-pump sweep skip a twin that is not due, and the reorder buffer decide between the
 * fast path and buffering, without decoding the twin.
 *
 * @param nextCheckMillis   stream time at which the twin is next due for a silent-pump check
 * @param lastAppliedMillis event time of the newest telemetry applied
 * @param stateEmittedMillis event time of the last TwinState written; Long.MIN_VALUE when none
 * @param buffered          telemetry events of this pump waiting in the reorder buffer
 * @param value             the whole store value: this header, then the twin's bytes
 */
record StoredTwin(long nextCheckMillis, long lastAppliedMillis, long stateEmittedMillis, int buffered, byte[] value) {

    static final byte FORMAT = 1;
    private static final int HEADER = 1 + 8 + 8 + 8 + 4;

    // The twin's bytes are read and written in place after the header (no copy of the twin per event, issue 5).

    static StoredTwin read(byte[] value) {
        if (value.length < HEADER || value[0] != FORMAT) {
            throw new PumpTwinStoreCodec.UnreadableTwin("twin store value has no format-" + FORMAT + " header ("
                    + value.length + " bytes)", null);
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        b.get();
        return new StoredTwin(b.getLong(), b.getLong(), b.getLong(), b.getInt(), value);
    }

    /** Reads only the silent-check time, for the sweep. */
    static long nextCheckOf(byte[] value) {
        if (value.length < HEADER || value[0] != FORMAT) {
            return Long.MAX_VALUE; // unreadable: never due; the next telemetry for it reaches the dead-letter topic
        }
        return ByteBuffer.wrap(value, 1, 8).getLong();
    }

    static StoredTwin of(PumpTwin twin, long nextCheckMillis, long lastAppliedMillis, long stateEmittedMillis,
                         int buffered) {
        byte[] header = header(nextCheckMillis, lastAppliedMillis, stateEmittedMillis, buffered);
        return new StoredTwin(nextCheckMillis, lastAppliedMillis, stateEmittedMillis, buffered,
                PumpTwinStoreCodec.encodeAfter(header, twin));
    }

    PumpTwin twin(TwinModelParameters parameters) {
        return PumpTwinStoreCodec.decode(value, HEADER, parameters);
    }

    StoredTwin withBuffered(int n) {
        byte[] next = value.clone();
        ByteBuffer.wrap(next).putInt(1 + 8 + 8 + 8, n);
        return new StoredTwin(nextCheckMillis, lastAppliedMillis, stateEmittedMillis, n, next);
    }

    byte[] bytes() {
        return value;
    }

    private static byte[] header(long nextCheckMillis, long lastAppliedMillis, long stateEmittedMillis, int buffered) {
        return ByteBuffer.allocate(HEADER).put(FORMAT).putLong(nextCheckMillis).putLong(lastAppliedMillis)
                .putLong(stateEmittedMillis).putInt(buffered).array();
    }
}
