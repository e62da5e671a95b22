package io.pumptwin.twin.topology;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.store.PumpTwinStoreCodec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A twin as the topology stores it: a value of the twin store, a small fixed header the topology reads on every record
 * and every sweep step, then the twin's hot part in {@link PumpTwinStoreCodec}'s split format; and the twin's cold part,
 * a value of the cold store under the same key, written only when its bytes change. A routine status report rewrites
 * the hot part alone (a month-old twin: about 1.7 KB whole, most of it cold), and every byte rewritten goes to a
 * changelog inside the transaction (issue 5). The header lets the silent-pump sweep skip a twin that is not due, and
 * the reorder buffer decide between the fast path and buffering, without decoding the twin.
 *
 * <p>Header format 2 adds the CRC-32C of the cold part the hot part was written with, so a reader outside the stream
 * thread (an interactive query, reading the two stores one after the other while the thread writes them) can tell a
 * matching pair from a torn one. Format 1 values (a single-format twin, no cold part) from an earlier release are
 * still read; the twin's next write stores it split.
 *
 * @param nextCheckMillis   stream time at which the twin is next due for a silent-pump check
 * @param lastAppliedMillis event time of the newest telemetry applied
 * @param stateEmittedMillis event time of the last TwinState written; Long.MIN_VALUE when none
 * @param buffered          telemetry events of this pump waiting in the reorder buffer
 * @param value             the whole twin-store value: this header, then the twin's (hot) bytes
 * @param cold              the cold part read with it or written with it; null for a format-1 twin, or not read yet
 */
record StoredTwin(long nextCheckMillis, long lastAppliedMillis, long stateEmittedMillis, int buffered, byte[] value,
                  byte[] cold) {

    static final byte FORMAT = 2;
    private static final byte FORMAT_1 = 1;
    private static final int HEADER_1 = 1 + 8 + 8 + 8 + 4;
    private static final int HEADER = HEADER_1 + 4;

    // The twin's bytes are read and written in place after the header (no copy of the twin per event, issue 5).

    /** The header of a twin-store value; the cold part is read separately ({@link #withCold}). */
    static StoredTwin read(byte[] value) {
        if (!readable(value)) {
            throw new PumpTwinStoreCodec.UnreadableTwin("twin store value has no format-" + FORMAT + " header ("
                    + value.length + " bytes)", null);
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        b.get();
        return new StoredTwin(b.getLong(), b.getLong(), b.getLong(), b.getInt(), value, null);
    }

    private static boolean readable(byte[] value) {
        return value.length >= HEADER_1 && (value[0] == FORMAT_1 || value[0] == FORMAT && value.length >= HEADER);
    }

    /** Reads only the silent-check time, for the sweep. */
    static long nextCheckOf(byte[] value) {
        if (!readable(value)) {
            return Long.MAX_VALUE; // unreadable: never due; the next telemetry for it reaches the dead-letter topic
        }
        return ByteBuffer.wrap(value, 1, 8).getLong();
    }

    /** Whether the twin needs its cold part to be decoded (it was stored split). */
    boolean split() {
        return value[0] == FORMAT;
    }

    /** This twin with the cold part read from the cold store (null when there is none). */
    StoredTwin withCold(byte[] coldPart) {
        return new StoredTwin(nextCheckMillis, lastAppliedMillis, stateEmittedMillis, buffered, value, coldPart);
    }

    /** Whether {@code coldPart} is the one this hot part was written with: an interactive query's check. */
    boolean matches(byte[] coldPart) {
        return !split() || coldPart != null && ByteBuffer.wrap(value, HEADER_1, 4).getInt() == crc(coldPart);
    }

    static StoredTwin of(PumpTwin twin, long nextCheckMillis, long lastAppliedMillis, long stateEmittedMillis,
                         int buffered) {
        return of(twin, nextCheckMillis, lastAppliedMillis, stateEmittedMillis, buffered, null, null);
    }

    /**
     * As {@link #of(PumpTwin, long, long, long, int)}, for a twin that replaces {@code previous} (decoded as
     * {@code previousTwin}; both null for a new twin): when the cold fields are those of the previous twin
     * ({@link PumpTwinStoreCodec#sameCold}) and its cold part is in the current version, only the hot part is encoded
     * and the stored cold part and its checksum are kept, as they would have come out the same.
     */
    static StoredTwin of(PumpTwin twin, long nextCheckMillis, long lastAppliedMillis, long stateEmittedMillis,
                         int buffered, StoredTwin previous, PumpTwin previousTwin) {
        byte[] value;
        byte[] cold;
        int coldCrc;
        if (previous != null && previous.split() && PumpTwinStoreCodec.isCurrentCold(previous.cold)
                && PumpTwinStoreCodec.sameCold(previousTwin, twin)) {
            value = PumpTwinStoreCodec.encodeHot(new byte[HEADER], twin);
            cold = previous.cold;
            coldCrc = ByteBuffer.wrap(previous.value, HEADER_1, 4).getInt();
        } else {
            PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(new byte[HEADER], twin);
            value = parts.hot();
            cold = parts.cold();
            coldCrc = crc(cold);
        }
        ByteBuffer.wrap(value).put(FORMAT).putLong(nextCheckMillis).putLong(lastAppliedMillis)
                .putLong(stateEmittedMillis).putInt(buffered).putInt(coldCrc);
        return new StoredTwin(nextCheckMillis, lastAppliedMillis, stateEmittedMillis, buffered, value, cold);
    }

    PumpTwin twin(TwinModelParameters parameters) {
        if (!split()) {
            return PumpTwinStoreCodec.decode(value, HEADER_1, parameters);
        }
        return PumpTwinStoreCodec.decodeSplit(value, HEADER, cold, parameters);
    }

    /** The cold part to write after this twin replaced {@code before}: null when the cold store already holds it. */
    byte[] coldChangedFrom(StoredTwin before) {
        return before != null && before.cold != null && Arrays.equals(before.cold, cold) ? null : cold;
    }

    StoredTwin withBuffered(int n) {
        byte[] next = value.clone();
        ByteBuffer.wrap(next).putInt(1 + 8 + 8 + 8, n);
        return new StoredTwin(nextCheckMillis, lastAppliedMillis, stateEmittedMillis, n, next, cold);
    }

    byte[] bytes() {
        return value;
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }
}
