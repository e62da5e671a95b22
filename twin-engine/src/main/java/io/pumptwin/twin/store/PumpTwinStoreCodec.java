package io.pumptwin.twin.store;

import io.pumptwin.twin.ActiveCondition;
import io.pumptwin.twin.Explant;
import io.pumptwin.twin.FillContext;
import io.pumptwin.twin.Prescription;
import io.pumptwin.twin.PumpIdentity;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.RecentEvents;
import io.pumptwin.twin.TwinEventType;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.battery.BatteryReading;
import io.pumptwin.twin.battery.BatteryState;
import io.pumptwin.twin.catheter.CatheterFaultLikelihood;
import io.pumptwin.twin.delivery.DeliveryState;
import io.pumptwin.twin.delivery.DeliveryStatus;
import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.evidence.EvidenceTrail;
import io.pumptwin.twin.reservoir.DeliveryCalibration;
import io.pumptwin.twin.reservoir.ReservoirEstimate;
import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.risk.SymptomObservation;
import io.pumptwin.twin.telemetry.CatheterFaultKind;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.InfusionMode;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.Symptom;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The twin's own compact, lossless store format (for the RocksDB store and its changelog). The Avro
 * TwinState is a lossy view (no de-duplication memory, no per-hypothesis catheter log-odds, no battery
 * history, no raised conditions), so restoring a twin from it would change later output; this format
 * restores a twin equal to the one stored. Parameters are not stored: they are configuration, passed
 * in when decoding.
 *
 * <p>Format version 2. Enums are written by ordinal: append new constants at the end of an enum, never
 * reorder or remove (a test pins the current orders); a breaking change takes a new version byte.
 * Version 2 adds the pump's delivery calibration, and writes event ids that are UUIDs as 16 bytes and the de-duplication memory's sequences and times
 * as variable-length deltas: that memory (64 events) was most of a twin's bytes, and every twin is rewritten
 * to the changelog on every event it applies (issue 5). Since then only the newest {@link RecentEvents#IDS_KEPT}
 * remembered events keep their ids (the others are written with the null id tag, same version: a version 2 twin
 * written before keeps all ids until it is decoded, when RecentEvents drops the older ones). Version 1 twins, from a store or changelog written by
 * an earlier release, are still read. Version 3 adds the explant at the end (a flag, then its time, reason, replacement
 * serial and event id); twins of versions 1 and 2 are read as implanted.
 */
public final class PumpTwinStoreCodec {

    public static final byte VERSION = 3;
    private static final byte VERSION_1 = 1;
    private static final byte VERSION_2 = 2;

    private PumpTwinStoreCodec() {
    }

    /** Thrown for bytes that are not a stored twin of a known version. */
    public static final class UnreadableTwin extends RuntimeException {
        public UnreadableTwin(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One growable buffer per thread, reused for every twin: allocating (and zeroing, and twice growing) a fresh
     * buffer for each write was ~40% of encoding a month-old twin (JFR, issue 5). encode never re-enters itself.
     */
    private static final ThreadLocal<Out> BUFFER = ThreadLocal.withInitial(() -> new Out(4096));

    public static byte[] encode(PumpTwin twin) {
        return encodeAfter(new byte[0], twin);
    }

    /**
     * {@code prefix} followed by the encoded twin, in one array: the topology's store value puts a small header
     * before the twin, and building it here spares a copy of the whole twin per event.
     */
    public static byte[] encodeAfter(byte[] prefix, PumpTwin twin) {
        Out out = BUFFER.get();
        out.reset();
        out.writeBytes(prefix);
        out.writeByte(VERSION);
        PumpIdentity id = twin.identity();
        out.writeUTF(id.pumpSerial());
        out.writeUTF(id.patientPseudonym());
        out.writeUTF(id.clinicId());
        out.writeLong(id.manufacturedOn() == null ? Long.MIN_VALUE : id.manufacturedOn().toEpochDay());
        out.writeLong(twin.asOf().toEpochMilli());
        out.writeLong(twin.anchorAt().toEpochMilli());
        instant(out, twin.lastHeardAt());
        out.writeLong(twin.lastSequence());
        out.writeLong(twin.eventsApplied());

        RecentEvents recent = twin.recentEvents();
        out.writeInt(recent.limit());
        out.writeInt(recent.size());
        long asOfMillis = twin.asOf().toEpochMilli();
        for (int k = 0; k < recent.size(); k++) {
            id(out, recent.eventId(k));
            varLong(out, twin.lastSequence() - recent.sequence(k));
            varLong(out, asOfMillis - recent.eventTimeMillis(k));
        }

        Prescription rx = twin.prescription();
        out.writeBoolean(rx != null);
        if (rx != null) {
            out.writeDouble(rx.doseMcgPerDay());
            out.writeDouble(rx.programmedConcentrationMcgPerMl());
            out.writeDouble(rx.filledConcentrationMcgPerMl());
            out.writeByte(rx.infusionMode().ordinal());
            out.writeInt(rx.capacityMl());
            out.writeDouble(rx.lowReservoirAlarmMl());
            instant(out, rx.concentrationsSetAt());
            id(out, rx.concentrationsEventId());
        }

        ReservoirEstimate r = twin.reservoirAnchor();
        out.writeBoolean(r != null);
        if (r != null) {
            out.writeDouble(r.meanMl());
            out.writeDouble(r.varianceMl2());
            out.writeDouble(r.deliveredSinceFillMl());
        }
        out.writeBoolean(twin.pumpComputedMl() != null);
        if (twin.pumpComputedMl() != null) {
            out.writeDouble(twin.pumpComputedMl());
        }

        FillContext fill = twin.fill();
        instant(out, fill.filledAt());
        id(out, fill.fillEventId());
        out.writeBoolean(fill.motorStallSinceFill());
        out.writeBoolean(fill.refillError());
        instant(out, fill.pocketFillAt());

        BatteryState b = twin.battery();
        out.writeInt(b.history().size());
        for (BatteryReading reading : b.history()) {
            out.writeLong(reading.at().toEpochMilli());
            out.writeDouble(reading.percent());
            out.writeDouble(reading.flowFactor());
        }
        out.writeLong(b.manufacturedOn() == null ? Long.MIN_VALUE : b.manufacturedOn().toEpochDay());
        instant(out, b.eriReachedAt());
        instant(out, b.endOfServiceAt());
        instant(out, b.lastResetAt());

        DeliveryState d = twin.delivery();
        out.writeByte(d.status().ordinal());
        instant(out, d.since());
        out.writeByte(d.cause() == null ? -1 : d.cause().ordinal());
        id(out, d.sourceEventId());

        CatheterFaultLikelihood c = twin.catheter();
        out.writeDouble(c.obstructionLogOdds());
        out.writeDouble(c.lossLogOdds());
        out.writeByte(c.confirmedKind() == null ? -1 : c.confirmedKind().ordinal());
        out.writeInt(c.evidence().limit());
        out.writeInt(c.evidence().items().size());
        for (Evidence e : c.evidence().items()) {
            out.writeByte(e.kind().ordinal());
            out.writeLong(e.observedAt().toEpochMilli());
            out.writeUTF(e.detail());
            out.writeDouble(e.weight());
            id(out, e.sourceEventId());
        }
        out.writeInt(c.recentEscalations().size());
        for (Instant t : c.recentEscalations()) {
            out.writeLong(t.toEpochMilli());
        }
        out.writeLong(c.asOf().toEpochMilli());

        out.writeInt(twin.recentSymptoms().size());
        for (SymptomObservation o : twin.recentSymptoms()) {
            out.writeLong(o.at().toEpochMilli());
            out.writeInt(mask(o.symptoms()));
            id(out, o.sourceEventId());
        }
        out.writeInt(mask(twin.activeCriticalAlarms()));

        out.writeInt(twin.conditions().size());
        for (TwinEventType type : TwinEventType.values()) { // in type order, as sorting them did, without a stream
            ActiveCondition ac = twin.conditions().get(type);
            if (ac == null) {
                continue;
            }
            out.writeByte(ac.type().ordinal());
            out.writeByte(ac.level().ordinal());
            instant(out, ac.dueAt());
            out.writeLong(ac.raisedAt().toEpochMilli());
        }
        DeliveryCalibration cal = twin.calibration();
        out.writeDouble(cal.biasMean());
        out.writeDouble(cal.biasVariance());
        out.writeInt(cal.refillsLearned());
        Explant explant = twin.explant();
        out.writeBoolean(explant != null);
        if (explant != null) {
            out.writeLong(explant.explantedAt().toEpochMilli());
            out.writeByte(explant.reason().ordinal());
            out.writeBoolean(explant.replacementPumpSerial() != null);
            if (explant.replacementPumpSerial() != null) {
                out.writeUTF(explant.replacementPumpSerial());
            }
            id(out, explant.sourceEventId());
        }
        return out.toByteArray();
    }

    public static PumpTwin decode(byte[] bytes, TwinModelParameters parameters) {
        return decode(bytes, 0, parameters);
    }

    /** Decodes the twin that starts at {@code offset} and ends with the array (after a header of the caller's). */
    public static PumpTwin decode(byte[] bytes, int offset, TwinModelParameters parameters) {
        try {
            DecodedIds ids = BUFFER.get().ids;
            ids.clear();
            In in = new In(bytes, offset, ids);
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_1 && version != VERSION_2) {
                throw new UnreadableTwin("stored twin has format version " + version + ", this code reads " + VERSION,
                        null);
            }
            PumpIdentity identity = new PumpIdentity(in.readUTF(), in.readUTF(), in.readUTF(), date(in.readLong()));
            Instant asOf = Instant.ofEpochMilli(in.readLong());
            Instant anchorAt = Instant.ofEpochMilli(in.readLong());
            Instant lastHeardAt = instant(in);
            long lastSequence = in.readLong();
            long eventsApplied = in.readLong();

            int recentLimit = in.readInt();
            int n = in.readInt();
            if (n < 0 || n > in.available()) {
                throw new UnreadableTwin("stored twin claims " + n + " recent events", null);
            }
            String[] recentIds = new String[n];
            long[] recentSequences = new long[n];
            long[] recentTimes = new long[n];
            long asOfMillis = asOf.toEpochMilli();
            for (int i = 0; i < n; i++) {
                if (version == VERSION_1) {
                    recentIds[i] = in.readUTF();
                    recentSequences[i] = in.readLong();
                    recentTimes[i] = in.readLong();
                } else {
                    recentIds[i] = id(in, version);
                    recentSequences[i] = lastSequence - varLong(in);
                    recentTimes[i] = asOfMillis - varLong(in);
                }
            }
            RecentEvents recent = RecentEvents.ofArrays(recentIds, recentSequences, recentTimes, recentLimit);

            Prescription rx = null;
            if (in.readBoolean()) {
                rx = new Prescription(in.readDouble(), in.readDouble(), in.readDouble(),
                        InfusionMode.values()[in.readByte()], in.readInt(), in.readDouble(), instant(in), id(in, version));
            }
            ReservoirEstimate reservoir = in.readBoolean()
                    ? new ReservoirEstimate(in.readDouble(), in.readDouble(), in.readDouble()) : null;
            Double pumpComputed = in.readBoolean() ? in.readDouble() : null;
            FillContext fill = new FillContext(instant(in), id(in, version), in.readBoolean(), in.readBoolean(), instant(in));

            n = in.readInt();
            List<BatteryReading> readings = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                readings.add(new BatteryReading(Instant.ofEpochMilli(in.readLong()), in.readDouble(), in.readDouble()));
            }
            BatteryState battery = new BatteryState(readings, date(in.readLong()), instant(in), instant(in), instant(in));

            DeliveryStatus status = DeliveryStatus.values()[in.readByte()];
            Instant since = instant(in);
            byte cause = in.readByte();
            DeliveryState delivery = new DeliveryState(status, since, cause < 0 ? null : InterruptionCause.values()[cause],
                    id(in, version));

            double o = in.readDouble();
            double l = in.readDouble();
            byte kind = in.readByte();
            int evidenceLimit = in.readInt();
            n = in.readInt();
            List<Evidence> evidence = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                evidence.add(new Evidence(EvidenceKind.values()[in.readByte()], Instant.ofEpochMilli(in.readLong()),
                        in.readUTF(), in.readDouble(), id(in, version)));
            }
            n = in.readInt();
            List<Instant> escalations = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                escalations.add(Instant.ofEpochMilli(in.readLong()));
            }
            CatheterFaultLikelihood catheter = new CatheterFaultLikelihood(o, l,
                    kind < 0 ? null : CatheterFaultKind.values()[kind], new EvidenceTrail(evidence, evidenceLimit),
                    escalations, Instant.ofEpochMilli(in.readLong()));

            n = in.readInt();
            List<SymptomObservation> symptoms = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                symptoms.add(new SymptomObservation(Instant.ofEpochMilli(in.readLong()),
                        unmask(in.readInt(), Symptom.class), id(in, version)));
            }
            Set<PumpAlarmKind> alarms = unmask(in.readInt(), PumpAlarmKind.class);

            n = in.readInt();
            Map<TwinEventType, ActiveCondition> conditions = new EnumMap<>(TwinEventType.class);
            for (int i = 0; i < n; i++) {
                TwinEventType type = TwinEventType.values()[in.readByte()];
                conditions.put(type, new ActiveCondition(type, RiskLevel.values()[in.readByte()], instant(in),
                        Instant.ofEpochMilli(in.readLong())));
            }
            DeliveryCalibration calibration = version == VERSION_1 ? DeliveryCalibration.prior(parameters.reservoir())
                    : new DeliveryCalibration(in.readDouble(), in.readDouble(), in.readInt());
            Explant explant = null;
            if (version >= 3 && in.readBoolean()) {
                explant = new Explant(Instant.ofEpochMilli(in.readLong()), ExplantReason.values()[in.readByte()],
                        in.readBoolean() ? in.readUTF() : null, id(in, version));
            }
            if (in.available() != 0) {
                throw new UnreadableTwin(in.available() + " trailing bytes after a stored twin", null);
            }
            return new PumpTwin(identity, parameters, asOf, anchorAt, lastHeardAt, lastSequence, eventsApplied,
                    recent, rx, reservoir, pumpComputed, fill, battery, delivery,
                    catheter, symptoms, alarms, conditions, calibration, explant);
        } catch (RuntimeException e) {
            if (e instanceof UnreadableTwin u) {
                throw u;
            }
            throw new UnreadableTwin("bytes are not a stored twin: " + e, e);
        }
    }

    private static void instant(Out out, Instant t) {
        out.writeLong(t == null ? Long.MIN_VALUE : t.toEpochMilli());
    }

    private static Instant instant(In in) {
        long v = in.readLong();
        return v == Long.MIN_VALUE ? null : Instant.ofEpochMilli(v);
    }

    /**
     * The UUID ids the last decode on this thread made, by identity. The engine decodes a twin, applies an event and
     * encodes the result, whose ids are mostly the very strings decoded: their 16 bytes are known without parsing
     * the text again (parsing a twin's dozen ids was 5% of the stream thread in JFR, issue 5). Identity, not
     * equality: the same object has the same text, so the bytes are exactly what parsing would give.
     */

    private static final class DecodedIds {
        private static final int CAPACITY = 32;
        private final String[] text = new String[CAPACITY];
        private final long[] hi = new long[CAPACITY];
        private final long[] lo = new long[CAPACITY];
        private int size;

        void clear() {
            Arrays.fill(text, 0, size, null);
            size = 0;
        }

        String remember(long msb, long lsb) {
            String s = new UUID(msb, lsb).toString();
            if (size < CAPACITY) {
                text[size] = s;
                hi[size] = msb;
                lo[size] = lsb;
                size++;
            }
            return s;
        }

        int indexOf(String s) {
            for (int i = 0; i < size; i++) {
                if (text[i] == s) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static final byte ID_NULL = 0;
    private static final byte ID_TEXT = 1;
    private static final byte ID_UUID = 2;

    /** A nullable event id: a canonical (lower-case) UUID as 16 bytes, anything else as text. */
    private static void id(Out out, String s) {
        if (s == null) {
            out.writeByte(ID_NULL);
            return;
        }
        DecodedIds ids = out.ids;
        int known = ids.indexOf(s);
        if (known >= 0) {
            out.writeByte(ID_UUID);
            out.writeLong(ids.hi[known]);
            out.writeLong(ids.lo[known]);
            return;
        }
        UUID uuid = canonicalUuid(s);
        if (uuid != null) {
            out.writeByte(ID_UUID);
            out.writeLong(uuid.getMostSignificantBits());
            out.writeLong(uuid.getLeastSignificantBits());
        } else {
            out.writeByte(ID_TEXT);
            out.writeUTF(s);
        }
    }

    private static String id(In in, byte version) {
        if (version == VERSION_1) {
            return in.readBoolean() ? in.readUTF() : null;
        }
        byte tag = in.readByte();
        return switch (tag) {
            case ID_NULL -> null;
            case ID_TEXT -> in.readUTF();
            case ID_UUID -> in.ids.remember(in.readLong(), in.readLong());
            default -> throw new UnreadableTwin("unknown event id tag " + tag, null);
        };
    }

    /**
     * The UUID when {@code s} is exactly its canonical text (lower-case hex, dashes at 8, 13, 18, 23), so that
     * decoding gives back the same string. Parsed by hand: UUID.fromString plus toString to compare, for each of a
     * twin's remembered event ids on every write, was a few percent of the engine's time.
     */
    private static UUID canonicalUuid(String s) {
        if (s.length() != 36) {
            return null;
        }
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char ch = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (ch != '-') {
                    return null;
                }
                continue;
            }
            int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (v < 0) {
                return null;
            }
            if (digits < 16) {
                msb = (msb << 4) | v;
            } else {
                lsb = (lsb << 4) | v;
            }
            digits++;
        }
        return new UUID(msb, lsb);
    }

    /** Zig-zag variable-length long (protobuf's encoding): small deltas of either sign in one to three bytes. */
    private static void varLong(Out out, long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    private static long varLong(In in) {
        long z = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new UnreadableTwin("variable-length number longer than 10 bytes", null);
    }

    private static LocalDate date(long epochDay) {
        return epochDay == Long.MIN_VALUE ? null : LocalDate.ofEpochDay(epochDay);
    }

    private static <E extends Enum<E>> int mask(Set<E> set) {
        int m = 0;
        for (E e : set) {
            m |= 1 << e.ordinal();
        }
        return m;
    }

    private static <E extends Enum<E>> Set<E> unmask(int m, Class<E> type) {
        Set<E> set = EnumSet.noneOf(type);
        for (E e : type.getEnumConstants()) {
            if ((m & (1 << e.ordinal())) != 0) {
                set.add(e);
            }
        }
        return set;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * The bytes DataOutputStream writes (big-endian fields, modified UTF-8 strings), written straight into an array.
     * Written by hand because DataOutputStream writes an int as four calls to its stream and a byte as one: a twin
     * is hundreds of fields, encoded on every event the engine applies (JFR of the throughput bench, issue 5).
     * Byte-identical output is pinned by the stored-format fixture test.
     */
    private static final class Out {
        /** The ids the last decode on this thread made: one thread-local lookup per twin, not one per id. */
        private final DecodedIds ids = new DecodedIds();
        private byte[] buf;
        private int count;

        Out(int size) {
            buf = new byte[size];
        }

        void reset() {
            count = 0;
        }

        void writeBytes(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, count, bytes.length);
            count += bytes.length;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        void writeBoolean(boolean b) {
            writeByte(b ? 1 : 0);
        }

        void writeInt(int v) {
            ensure(Integer.BYTES);
            INTS.set(buf, count, v);
            count += Integer.BYTES;
        }

        void writeLong(long v) {
            ensure(Long.BYTES);
            LONGS.set(buf, count, v);
            count += Long.BYTES;
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v));
        }

        /** Modified UTF-8 with a two-byte length, as DataOutput.writeUTF; plain ASCII (ids, serials) directly. */
        void writeUTF(String s) {
            int n = s.length();
            if (n <= 0xFFFF) {
                ensure(2 + n);
                int at = count + 2;
                boolean ascii = true;
                for (int i = 0; i < n && ascii; i++) {
                    char c = s.charAt(i);
                    ascii = c >= 0x01 && c <= 0x7F;
                    buf[at + i] = (byte) c;
                }
                if (ascii) {
                    buf[count] = (byte) (n >>> 8);
                    buf[count + 1] = (byte) n;
                    count += 2 + n;
                    return;
                }
            }
            ByteArrayOutputStream other = new ByteArrayOutputStream(2 + 3 * n);
            try (DataOutputStream data = new DataOutputStream(other)) {
                data.writeUTF(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] encoded = other.toByteArray();
            ensure(encoded.length);
            System.arraycopy(encoded, 0, buf, count, encoded.length);
            count += encoded.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** Reads what {@link Out} (or DataOutputStream) wrote, from an array; past the end is an unreadable twin. */
    private static final class In {
        private final byte[] buf;
        private final DecodedIds ids;
        private int pos;

        In(byte[] buf, int offset, DecodedIds ids) {
            this.buf = buf;
            this.pos = offset;
            this.ids = ids;
        }

        private int take(int n) {
            if (buf.length - pos < n) {
                throw new UnreadableTwin("stored twin ends after " + buf.length + " bytes", null);
            }
            int at = pos;
            pos += n;
            return at;
        }

        byte readByte() {
            return buf[take(1)];
        }

        boolean readBoolean() {
            return readByte() != 0;
        }

        int readInt() {
            return (int) INTS.get(buf, take(Integer.BYTES));
        }

        long readLong() {
            return (long) LONGS.get(buf, take(Long.BYTES));
        }

        double readDouble() {
            return Double.longBitsToDouble(readLong());
        }

        String readUTF() {
            int at = take(2);
            int n = ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
            int from = take(n);
            for (int i = from; i < from + n; i++) {
                if (buf[i] <= 0) { // a multi-byte or encoded-NUL character: DataInputStream's decoder
                    try {
                        return new DataInputStream(new ByteArrayInputStream(buf, at, 2 + n)).readUTF();
                    } catch (IOException e) {
                        throw new UnreadableTwin("bad modified UTF-8 in a stored twin: " + e, e);
                    }
                }
            }
            return new String(buf, from, n, StandardCharsets.ISO_8859_1);
        }

        int available() {
            return buf.length - pos;
        }
    }
}
