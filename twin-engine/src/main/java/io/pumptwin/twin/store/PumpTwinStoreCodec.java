package io.pumptwin.twin.store;

import io.pumptwin.twin.ActiveCondition;
import io.pumptwin.twin.Explant;
import io.pumptwin.twin.FillContext;
import io.pumptwin.twin.Prescription;
import io.pumptwin.twin.PumpIdentity;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.EventIds;
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
import java.util.Objects;
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
 * serial and event id); twins of versions 1 and 2 are read as implanted. Versions 3 and 4 may end with the ids of
 * explants the clinic retracted (a count byte, then the ids), written only when there are some: a twin without them
 * has the bytes it had before they were added. Version 7 (the single format) and split version 6 add the time of the
 * pump's own last report after the time last heard ({@link PumpTwin#lastReportedAt()}): a late report is dated against
 * it, not against a symptom report or clinic record applied since. Twins of earlier versions are read with it equal to
 * the time last heard, which is how they dated a late report.
 */
public final class PumpTwinStoreCodec {

    public static final byte VERSION = 7;
    private static final byte VERSION_3 = 3;
    /**
     * The split format: a hot and a cold part, each starting with this byte ({@link #encodeSplit}). Version 5 writes
     * the hot part's times as differences (from the twin's time, or between remembered events, in seconds when whole)
     * and its counters as variable-length numbers, and leaves out the null tags of remembered events older than the
     * ids kept: a twin's de-duplication memory fills within a day of 15-minute reports, and its hot part was then
     * 676 bytes, rewritten to the store and its changelog by every report (issue 5). Version 6 adds the pump's own
     * last report time as its distance back from the time last heard (one byte while the pump was the last heard).
     * Versions 4 and 5 are still read.
     */
    public static final byte SPLIT_VERSION = 6;
    private static final byte SPLIT_VERSION_5 = 5;
    private static final byte SPLIT_VERSION_4 = 4;
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
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** A thread's buffers for the two parts, and the ids its last decode made (both parts' ids are among them). */
    private static final class Buffers {
        private final DecodedIds ids = new DecodedIds();
        private final Out hot = new Out(4096, ids);
        private final Out cold = new Out(4096, ids);
        /** Where {@link #encodeHot} writes the cold fields: nowhere. */
        private final Out none = Out.discarding(ids);
    }

    /**
     * The twin in the single format (version 7), in one array. The topology stores twins split
     * ({@link #encodeSplit}); this format is what an earlier release stored, and what {@link #decode} reads.
     */
    public static byte[] encode(PumpTwin twin) {
        Out out = BUFFERS.get().hot;
        out.reset();
        out.writeByte(VERSION);
        write(twin, out, out, false);
        return out.toByteArray();
    }

    /** A twin in the split format: the part a routine report rewrites, and the part it seldom changes. */
    public record Split(byte[] hot, byte[] cold) {
    }

    /**
     * The twin in the split format ({@link #SPLIT_VERSION}): {@code prefix} then the hot part, and the cold part on
     * its own. The engine keeps the two in two stores and writes the cold one only when its bytes changed: a
     * month-old twin is about 1.7 KB, most of it a month of battery readings, the prescription, the fill and the
     * catheter's evidence, which a routine status report leaves as they were, while every byte a report rewrites goes to the store's
     * changelog inside the transaction (bench TwinFootprint and TwinIoSkeleton, issue 5). The fields are those of
     * the single format, in its order, each in one of the two parts.
     */
    public static Split encodeSplit(byte[] prefix, PumpTwin twin) {
        Buffers buffers = BUFFERS.get();
        Out hot = buffers.hot;
        Out cold = buffers.cold;
        hot.reset();
        cold.reset();
        hot.writeBytes(prefix);
        hot.writeByte(SPLIT_VERSION);
        cold.writeByte(SPLIT_VERSION);
        write(twin, hot, cold, true);
        return new Split(hot.toByteArray(), cold.toByteArray());
    }

    /**
     * The hot part alone, as {@link #encodeSplit} writes it, for a twin whose cold part is one already stored in the
     * current split version ({@link #sameCold}, {@link #isCurrentCold}): a routine report leaves the cold part as it
     * was, and formatting it again, copying it and comparing it with the stored one was a third of encoding the twin
     * (issue 5).
     */
    public static byte[] encodeHot(byte[] prefix, PumpTwin twin) {
        Buffers buffers = BUFFERS.get();
        Out hot = buffers.hot;
        hot.reset();
        hot.writeBytes(prefix);
        hot.writeByte(SPLIT_VERSION);
        write(twin, hot, buffers.none, true);
        return hot.toByteArray();
    }

    /** Whether {@code cold} is a cold part in the split version this code writes, so a new hot part can pair with it. */
    public static boolean isCurrentCold(byte[] cold) {
        return cold != null && cold.length > 0 && cold[0] == SPLIT_VERSION;
    }

    /**
     * Whether the two twins' cold parts are written the same: the fields {@link #write} puts into {@code cold},
     * compared as values. Keep in step with write (PumpTwinStoreCodecTest checks every step of long stories: when
     * this says same, the bytes are the same).
     */
    public static boolean sameCold(PumpTwin a, PumpTwin b) {
        if (a == b) {
            return true;
        }
        // Objects.equals: a component a report did not touch is the very object the decoded twin had
        CatheterFaultLikelihood ca = a.catheter();
        CatheterFaultLikelihood cb = b.catheter();
        return Objects.equals(a.identity(), b.identity())
                && Objects.equals(a.prescription(), b.prescription())
                && Objects.equals(a.fill(), b.fill())
                && sameColdBattery(a.battery(), b.battery())
                && Objects.equals(a.delivery(), b.delivery())
                && ca.confirmedKind() == cb.confirmedKind()
                && Objects.equals(ca.evidence(), cb.evidence())
                && Objects.equals(ca.recentEscalations(), cb.recentEscalations())
                && Objects.equals(a.recentSymptoms(), b.recentSymptoms())
                && mask(a.activeCriticalAlarms()) == mask(b.activeCriticalAlarms())
                && Objects.equals(a.calibration(), b.calibration())
                && Objects.equals(a.explant(), b.explant())
                && Objects.equals(a.retractedExplants(), b.retractedExplants());
    }

    /** The battery's cold fields: the number of readings, all but the newest, and its dates. */
    private static boolean sameColdBattery(BatteryState a, BatteryState b) {
        if (a == b) {
            return true;
        }
        List<BatteryReading> ha = a.history();
        List<BatteryReading> hb = b.history();
        if (ha.size() != hb.size()) {
            return false;
        }
        for (int k = 0; k < ha.size() - 1; k++) {
            if (!Objects.equals(ha.get(k), hb.get(k))) {
                return false;
            }
        }
        return Objects.equals(a.manufacturedOn(), b.manufacturedOn())
                && Objects.equals(a.eriReachedAt(), b.eriReachedAt())
                && Objects.equals(a.endOfServiceAt(), b.endOfServiceAt())
                && Objects.equals(a.lastResetAt(), b.lastResetAt());
    }

    /**
     * Writes the twin's fields in the single format's order, each to the part it belongs to: {@code cold} those a
     * routine status report leaves unchanged (identity, prescription, fill, battery history but its newest reading,
     * delivery, the catheter's evidence, symptoms, alarms, calibration, explant), {@code hot} the rest. With one
     * buffer for both, this is the single format. {@code compact}: the hot part as split versions 5 and 6 write it
     * ({@link #SPLIT_VERSION}).
     */
    private static void write(PumpTwin twin, Out hot, Out cold, boolean compact) {
        PumpIdentity id = twin.identity();
        cold.writeUTF(id.pumpSerial());
        cold.writeUTF(id.patientPseudonym());
        cold.writeUTF(id.clinicId());
        cold.writeLong(id.manufacturedOn() == null ? Long.MIN_VALUE : id.manufacturedOn().toEpochDay());
        long asOfMillis = twin.asOf().toEpochMilli();
        hot.writeLong(asOfMillis);
        if (compact) {
            varLong(hot, asOfMillis - twin.anchorAt().toEpochMilli());
            instant(hot, twin.lastHeardAt());
            varLong(hot, reportedBeforeHeard(twin));
            varLong(hot, twin.lastSequence());
            varLong(hot, twin.eventsApplied());
        } else {
            hot.writeLong(twin.anchorAt().toEpochMilli());
            instant(hot, twin.lastHeardAt());
            instant(hot, twin.lastReportedAt());
            hot.writeLong(twin.lastSequence());
            hot.writeLong(twin.eventsApplied());
        }

        RecentEvents recent = twin.recentEvents();
        if (compact) {
            writeRecentCompact(recent, twin.lastSequence(), asOfMillis, hot);
        } else {
            hot.writeInt(recent.limit());
            hot.writeInt(recent.size());
            for (int k = 0; k < recent.size(); k++) {
                recentId(hot, recent, k);
                varLong(hot, twin.lastSequence() - recent.sequence(k));
                varLong(hot, asOfMillis - recent.eventTimeMillis(k));
            }
        }

        Prescription rx = twin.prescription();
        cold.writeBoolean(rx != null);
        if (rx != null) {
            cold.writeDouble(rx.doseMcgPerDay());
            cold.writeDouble(rx.programmedConcentrationMcgPerMl());
            cold.writeDouble(rx.filledConcentrationMcgPerMl());
            cold.writeByte(rx.infusionMode().ordinal());
            cold.writeInt(rx.capacityMl());
            cold.writeDouble(rx.lowReservoirAlarmMl());
            instant(cold, rx.concentrationsSetAt());
            id(cold, rx.concentrationsEventId());
        }

        ReservoirEstimate r = twin.reservoirAnchor();
        hot.writeBoolean(r != null);
        if (r != null) {
            hot.writeDouble(r.meanMl());
            hot.writeDouble(r.varianceMl2());
            hot.writeDouble(r.deliveredSinceFillMl());
        }
        hot.writeBoolean(twin.pumpComputedMl() != null);
        if (twin.pumpComputedMl() != null) {
            hot.writeDouble(twin.pumpComputedMl());
        }

        FillContext fill = twin.fill();
        instant(cold, fill.filledAt());
        id(cold, fill.fillEventId());
        cold.writeBoolean(fill.motorStallSinceFill());
        cold.writeBoolean(fill.refillError());
        instant(cold, fill.pocketFillAt());

        BatteryState b = twin.battery();
        List<BatteryReading> readings = b.history();
        cold.writeInt(readings.size());
        for (int k = cold.discard ? Math.max(0, readings.size() - 1) : 0; k < readings.size(); k++) {
            // The newest reading is replaced by every report until the next is due: only it is hot.
            Out to = k == readings.size() - 1 ? hot : cold;
            BatteryReading reading = readings.get(k);
            if (compact && to == hot) {
                varLong(hot, asOfMillis - reading.at().toEpochMilli());
            } else {
                to.writeLong(reading.at().toEpochMilli());
            }
            to.writeDouble(reading.percent());
            to.writeDouble(reading.flowFactor());
        }
        cold.writeLong(b.manufacturedOn() == null ? Long.MIN_VALUE : b.manufacturedOn().toEpochDay());
        instant(cold, b.eriReachedAt());
        instant(cold, b.endOfServiceAt());
        instant(cold, b.lastResetAt());

        DeliveryState d = twin.delivery();
        cold.writeByte(d.status().ordinal());
        instant(cold, d.since());
        cold.writeByte(d.cause() == null ? -1 : d.cause().ordinal());
        id(cold, d.sourceEventId());

        CatheterFaultLikelihood c = twin.catheter();
        hot.writeDouble(c.obstructionLogOdds());
        hot.writeDouble(c.lossLogOdds());
        cold.writeByte(c.confirmedKind() == null ? -1 : c.confirmedKind().ordinal());
        cold.writeInt(c.evidence().limit());
        cold.writeInt(c.evidence().items().size());
        for (Evidence e : cold.discard ? List.<Evidence>of() : c.evidence().items()) {
            cold.writeByte(e.kind().ordinal());
            cold.writeLong(e.observedAt().toEpochMilli());
            cold.writeUTF(e.detail());
            cold.writeDouble(e.weight());
            id(cold, e.sourceEventId());
        }
        cold.writeInt(c.recentEscalations().size());
        for (Instant t : c.recentEscalations()) {
            cold.writeLong(t.toEpochMilli());
        }
        if (compact) {
            varLong(hot, asOfMillis - c.asOf().toEpochMilli());
        } else {
            hot.writeLong(c.asOf().toEpochMilli());
        }

        cold.writeInt(twin.recentSymptoms().size());
        for (SymptomObservation o : cold.discard ? List.<SymptomObservation>of() : twin.recentSymptoms()) {
            cold.writeLong(o.at().toEpochMilli());
            cold.writeInt(mask(o.symptoms()));
            id(cold, o.sourceEventId());
        }
        cold.writeInt(mask(twin.activeCriticalAlarms()));

        if (compact) {
            varLong(hot, twin.conditions().size());
        } else {
            hot.writeInt(twin.conditions().size());
        }
        for (TwinEventType type : TwinEventType.values()) { // in type order, as sorting them did, without a stream
            ActiveCondition ac = twin.conditions().get(type);
            if (ac == null) {
                continue;
            }
            hot.writeByte(ac.type().ordinal());
            hot.writeByte(ac.level().ordinal());
            instant(hot, ac.dueAt());
            if (compact) {
                varLong(hot, asOfMillis - ac.raisedAt().toEpochMilli());
            } else {
                hot.writeLong(ac.raisedAt().toEpochMilli());
            }
        }
        DeliveryCalibration cal = twin.calibration();
        cold.writeDouble(cal.biasMean());
        cold.writeDouble(cal.biasVariance());
        cold.writeInt(cal.refillsLearned());
        Explant explant = twin.explant();
        cold.writeBoolean(explant != null);
        if (explant != null) {
            cold.writeLong(explant.explantedAt().toEpochMilli());
            cold.writeByte(explant.reason().ordinal());
            cold.writeBoolean(explant.replacementPumpSerial() != null);
            if (explant.replacementPumpSerial() != null) {
                cold.writeUTF(explant.replacementPumpSerial());
            }
            id(cold, explant.sourceEventId());
        }
        List<String> retracted = twin.retractedExplants();
        if (!retracted.isEmpty()) { // written only when there are some: other twins keep the bytes they had
            cold.writeByte(retracted.size());
            for (String retractedId : retracted) {
                id(cold, retractedId);
            }
        }
    }

    /** How long before the time last heard the pump last reported, in milliseconds; Long.MIN_VALUE for never. */
    private static long reportedBeforeHeard(PumpTwin twin) {
        if (twin.lastReportedAt() == null) {
            return Long.MIN_VALUE;
        }
        if (twin.lastHeardAt() == null) {
            throw new IllegalStateException("twin " + twin.identity().pumpSerial()
                    + " has a report from its pump but has heard nothing");
        }
        return twin.lastHeardAt().toEpochMilli() - twin.lastReportedAt().toEpochMilli();
    }

    /**
     * The de-duplication memory as split version 5 writes it: limit, size, and how many of the oldest events are
     * written without an id (RecentEvents keeps ids for the newest {@link RecentEvents#IDS_KEPT} only: the count is
     * written, so a reader does not depend on that constant); then per event, oldest first, its id (newer events
     * only), its sequence back from the twin's last, and its time: the oldest one's back from the twin's time, each
     * other's step from the one before it as its difference from the step before (delta-of-delta, as Facebook's
     * Gorilla stores time series timestamps; {@link #timeStep}). A pump that reports on a steady cadence takes 2 bytes
     * per event, not 6.
     */
    private static void writeRecentCompact(RecentEvents recent, long lastSequence, long asOfMillis, Out hot) {
        int n = recent.size();
        int withoutIds = Math.max(0, n - RecentEvents.IDS_KEPT);
        varLong(hot, recent.limit());
        varLong(hot, n);
        varLong(hot, withoutIds);
        long previous = asOfMillis;
        long previousStep = 0;
        for (int k = 0; k < n; k++) {
            if (k >= withoutIds) {
                recentId(hot, recent, k);
            } else if (recent.eventId(k) != null) {
                throw new IllegalStateException("remembered event " + k + " of " + n + " keeps its id");
            }
            varLong(hot, lastSequence - recent.sequence(k));
            long t = recent.eventTimeMillis(k);
            long step = t - previous;
            timeStep(hot, k == 0 ? asOfMillis - t : step - previousStep);
            previousStep = k == 0 ? 0 : step;
            previous = t;
        }
    }

    /**
     * A difference of times, zig-zag and variable-length, in whole seconds when it is some (a pump's clock stamps
     * whole seconds: 15 minutes in 2 bytes, not 3) and in milliseconds otherwise; the lowest bit says which.
     */
    private static void timeStep(Out out, long millis) {
        long seconds = millis / 1000;
        unsignedVarLong(out, seconds * 1000 == millis ? zigZag(seconds) << 1 : zigZag(millis) << 1 | 1);
    }

    private static long timeStep(In in) {
        long z = unsignedVarLong(in);
        long v = (z >>> 1 >>> 1) ^ -((z >>> 1) & 1);
        return (z & 1) == 0 ? v * 1000 : v;
    }

    public static PumpTwin decode(byte[] bytes, TwinModelParameters parameters) {
        return decode(bytes, 0, parameters);
    }

    /** Decodes the twin that starts at {@code offset} and ends with the array (after a header of the caller's). */
    public static PumpTwin decode(byte[] bytes, int offset, TwinModelParameters parameters) {
        try {
            DecodedIds ids = BUFFERS.get().ids;
            ids.clear();
            In in = new In(bytes, offset, ids);
            byte version = in.readByte();
            if (version == SPLIT_VERSION || version == SPLIT_VERSION_5 || version == SPLIT_VERSION_4) {
                throw new UnreadableTwin("stored twin is the hot part of a split twin: decode it with its cold part",
                        null);
            }
            if (version != VERSION && version != VERSION_3 && version != VERSION_1 && version != VERSION_2) {
                throw new UnreadableTwin("stored twin has format version " + version + ", this code reads " + VERSION,
                        null);
            }
            return read(in, in, version, parameters);
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
    }

    /** Decodes a twin in the split format: its hot part from {@code offset} to the array's end, and its cold part. */
    public static PumpTwin decodeSplit(byte[] hot, int offset, byte[] cold, TwinModelParameters parameters) {
        try {
            DecodedIds ids = BUFFERS.get().ids;
            ids.clear();
            In h = new In(hot, offset, ids);
            if (cold == null) {
                throw new UnreadableTwin("split twin has no cold part", null);
            }
            In c = new In(cold, 0, ids);
            byte hv = h.readByte();
            byte cv = c.readByte();
            if (hv != cv || hv != SPLIT_VERSION && hv != SPLIT_VERSION_5 && hv != SPLIT_VERSION_4) {
                throw new UnreadableTwin("split twin parts have format versions " + hv + " and " + cv
                        + ", this code reads " + SPLIT_VERSION_4 + " to " + SPLIT_VERSION, null);
            }
            return read(h, c, hv, parameters);
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
    }

    private static UnreadableTwin unreadable(RuntimeException e) {
        return e instanceof UnreadableTwin u ? u : new UnreadableTwin("bytes are not a stored twin: " + e, e);
    }

    /** Reads the fields {@link #write} wrote, each from its part ({@code h} and {@code c} one reader when single). */
    private static PumpTwin read(In h, In c, byte version, TwinModelParameters parameters) {
        PumpIdentity identity = new PumpIdentity(c.readUTF(), c.readUTF(), c.readUTF(), date(c.readLong()));
        boolean compact = version == SPLIT_VERSION || version == SPLIT_VERSION_5;
        boolean reports = version == SPLIT_VERSION || version == VERSION;
        long asOfMillis = h.readLong();
        Instant asOf = Instant.ofEpochMilli(asOfMillis);
        Instant anchorAt = Instant.ofEpochMilli(compact ? asOfMillis - varLong(h) : h.readLong());
        Instant lastHeardAt = instant(h);
        Instant lastReportedAt = !reports ? lastHeardAt : compact ? reportedAt(lastHeardAt, varLong(h)) : instant(h);
        long lastSequence = compact ? varLong(h) : h.readLong();
        long eventsApplied = compact ? varLong(h) : h.readLong();

        int recentLimit = compact ? count(h) : h.readInt();
        int n = compact ? count(h) : h.readInt();
        if (n < 0 || n > h.available()) {
            throw new UnreadableTwin("stored twin claims " + n + " recent events", null);
        }
        int withoutIds = compact ? count(h) : 0;
        if (withoutIds > n) {
            throw new UnreadableTwin("stored twin claims " + withoutIds + " of " + n + " recent events without ids",
                    null);
        }
        String[] recentIds = new String[n];
        boolean[] recentUuids = new boolean[n];
        long[] recentHi = new long[n];
        long[] recentLo = new long[n];
        long[] recentSequences = new long[n];
        long[] recentTimes = new long[n];
        long previousStep = 0;
        for (int i = 0; i < n; i++) {
            if (compact) {
                if (i >= withoutIds) {
                    recentId(h, version, i, recentIds, recentUuids, recentHi, recentLo);
                }
                recentSequences[i] = lastSequence - varLong(h);
                if (i == 0) {
                    recentTimes[0] = asOfMillis - timeStep(h);
                } else {
                    previousStep += timeStep(h); // the step's change from the step before (writeRecentCompact)
                    recentTimes[i] = recentTimes[i - 1] + previousStep;
                }
            } else if (version == VERSION_1) {
                recentIds[i] = h.readUTF();
                recentSequences[i] = h.readLong();
                recentTimes[i] = h.readLong();
            } else {
                recentId(h, version, i, recentIds, recentUuids, recentHi, recentLo);
                recentSequences[i] = lastSequence - varLong(h);
                recentTimes[i] = asOfMillis - varLong(h);
            }
        }
        RecentEvents recent = RecentEvents.ofArrays(recentIds, recentUuids, recentHi, recentLo, recentSequences,
                recentTimes, recentLimit);

        Prescription rx = null;
        if (c.readBoolean()) {
            rx = new Prescription(c.readDouble(), c.readDouble(), c.readDouble(),
                    InfusionMode.values()[c.readByte()], c.readInt(), c.readDouble(), instant(c), id(c, version));
        }
        ReservoirEstimate reservoir = h.readBoolean()
                ? new ReservoirEstimate(h.readDouble(), h.readDouble(), h.readDouble()) : null;
        Double pumpComputed = h.readBoolean() ? h.readDouble() : null;
        FillContext fill = new FillContext(instant(c), id(c, version), c.readBoolean(), c.readBoolean(), instant(c));

        n = c.readInt();
        if (n < 0 || n > c.available() + h.available()) {
            throw new UnreadableTwin("stored twin claims " + n + " battery readings", null);
        }
        List<BatteryReading> readings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            In from = i == n - 1 ? h : c; // the newest reading is in the hot part (write)
            long at = compact && from == h ? asOfMillis - varLong(h) : from.readLong();
            readings.add(new BatteryReading(Instant.ofEpochMilli(at), from.readDouble(), from.readDouble()));
        }
        BatteryState battery = new BatteryState(readings, date(c.readLong()), instant(c), instant(c), instant(c));

        DeliveryStatus status = DeliveryStatus.values()[c.readByte()];
        Instant since = instant(c);
        byte cause = c.readByte();
        DeliveryState delivery = new DeliveryState(status, since, cause < 0 ? null : InterruptionCause.values()[cause],
                id(c, version));

        double o = h.readDouble();
        double l = h.readDouble();
        byte kind = c.readByte();
        int evidenceLimit = c.readInt();
        n = c.readInt();
        List<Evidence> evidence = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            evidence.add(new Evidence(EvidenceKind.values()[c.readByte()], Instant.ofEpochMilli(c.readLong()),
                    c.readUTF(), c.readDouble(), id(c, version)));
        }
        n = c.readInt();
        List<Instant> escalations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            escalations.add(Instant.ofEpochMilli(c.readLong()));
        }
        CatheterFaultLikelihood catheter = new CatheterFaultLikelihood(o, l,
                kind < 0 ? null : CatheterFaultKind.values()[kind], new EvidenceTrail(evidence, evidenceLimit),
                escalations, Instant.ofEpochMilli(compact ? asOfMillis - varLong(h) : h.readLong()));

        n = c.readInt();
        List<SymptomObservation> symptoms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            symptoms.add(new SymptomObservation(Instant.ofEpochMilli(c.readLong()),
                    unmask(c.readInt(), Symptom.class), id(c, version)));
        }
        Set<PumpAlarmKind> alarms = unmask(c.readInt(), PumpAlarmKind.class);

        n = compact ? count(h) : h.readInt();
        Map<TwinEventType, ActiveCondition> conditions = new EnumMap<>(TwinEventType.class);
        for (int i = 0; i < n; i++) {
            TwinEventType type = TwinEventType.values()[h.readByte()];
            RiskLevel level = RiskLevel.values()[h.readByte()];
            Instant dueAt = instant(h);
            conditions.put(type, new ActiveCondition(type, level, dueAt,
                    Instant.ofEpochMilli(compact ? asOfMillis - varLong(h) : h.readLong())));
        }
        DeliveryCalibration calibration = version == VERSION_1 ? DeliveryCalibration.prior(parameters.reservoir())
                : new DeliveryCalibration(c.readDouble(), c.readDouble(), c.readInt());
        Explant explant = null;
        if (version >= 3 && c.readBoolean()) {
            explant = new Explant(Instant.ofEpochMilli(c.readLong()), ExplantReason.values()[c.readByte()],
                    c.readBoolean() ? c.readUTF() : null, id(c, version));
        }
        List<String> retracted = List.of();
        if (version >= 3 && c.available() > 0) {
            int count = c.readByte();
            if (count <= 0 || count > PumpTwin.RETRACTIONS_KEPT) {
                throw new UnreadableTwin("stored twin claims " + count + " retracted explants", null);
            }
            String[] ids = new String[count];
            for (int i = 0; i < count; i++) {
                ids[i] = id(c, version);
            }
            retracted = List.of(ids);
        }
        if (h.available() != 0 || (c != h && c.available() != 0)) {
            throw new UnreadableTwin(h.available() + (c != h ? c.available() : 0)
                    + " trailing bytes after a stored twin", null);
        }
        return new PumpTwin(identity, parameters, asOf, anchorAt, lastHeardAt, lastReportedAt, lastSequence,
                eventsApplied, recent, rx, reservoir, pumpComputed, fill, battery, delivery,
                catheter, symptoms, alarms, conditions, calibration, explant, retracted);
    }

    private static Instant reportedAt(Instant lastHeardAt, long beforeHeardMillis) {
        if (beforeHeardMillis == Long.MIN_VALUE) {
            return null;
        }
        if (lastHeardAt == null) {
            throw new UnreadableTwin("stored twin has a report from its pump but has heard nothing", null);
        }
        return lastHeardAt.minusMillis(beforeHeardMillis);
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
        UUID uuid = EventIds.canonicalUuid(s);
        if (uuid != null) {
            out.writeByte(ID_UUID);
            out.writeLong(uuid.getMostSignificantBits());
            out.writeLong(uuid.getLeastSignificantBits());
        } else {
            out.writeByte(ID_TEXT);
            out.writeUTF(s);
        }
    }

    /**
     * A remembered event's id, written as {@link #id(Out, String)} writes its text: a UUID id is held by RecentEvents
     * as its two longs and written from them, without its text being made (issue 5).
     */
    private static void recentId(Out out, RecentEvents recent, int k) {
        if (recent.idIsUuid(k)) {
            out.writeByte(ID_UUID);
            out.writeLong(recent.uuidHi(k));
            out.writeLong(recent.uuidLo(k));
        } else {
            id(out, recent.eventId(k));
        }
    }

    /** Reads what {@link #recentId(Out, RecentEvents, int)} wrote into the {@code i}-th place of the arrays. */
    private static void recentId(In in, byte version, int i, String[] texts, boolean[] uuids, long[] hi, long[] lo) {
        if (version == VERSION_1) {
            texts[i] = id(in, version);
            return;
        }
        byte tag = in.readByte();
        switch (tag) {
            case ID_NULL -> texts[i] = null;
            case ID_TEXT -> texts[i] = in.readUTF();
            case ID_UUID -> {
                uuids[i] = true;
                hi[i] = in.readLong();
                lo[i] = in.readLong();
            }
            default -> throw new UnreadableTwin("unknown event id tag " + tag, null);
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

    /** Zig-zag variable-length long (protobuf's encoding): small deltas of either sign in one to three bytes. */
    private static void varLong(Out out, long v) {
        unsignedVarLong(out, zigZag(v));
    }

    private static long varLong(In in) {
        long z = unsignedVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static void unsignedVarLong(Out out, long z) {
        while ((z & ~0x7FL) != 0) {
            out.writeByte((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.writeByte((int) z);
    }

    private static long unsignedVarLong(In in) {
        long z = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return z;
            }
        }
        throw new UnreadableTwin("variable-length number longer than 10 bytes", null);
    }

    /** A count written by varLong: never negative, and within an int. */
    private static int count(In in) {
        long v = varLong(in);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new UnreadableTwin("stored twin claims a count of " + v, null);
        }
        return (int) v;
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
        private final DecodedIds ids;
        /** Whether writes go nowhere: the cold part of {@link #encodeHot}. */
        private final boolean discard;
        private byte[] buf;
        private int count;

        Out(int size, DecodedIds ids) {
            this(size, ids, false);
        }

        private Out(int size, DecodedIds ids, boolean discard) {
            buf = new byte[size];
            this.ids = ids;
            this.discard = discard;
        }

        static Out discarding(DecodedIds ids) {
            return new Out(0, ids, true);
        }

        void reset() {
            count = 0;
        }

        void writeBytes(byte[] bytes) {
            if (discard) {
                return;
            }
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
            if (discard) {
                return;
            }
            ensure(1);
            buf[count++] = (byte) b;
        }

        void writeBoolean(boolean b) {
            writeByte(b ? 1 : 0);
        }

        void writeInt(int v) {
            if (discard) {
                return;
            }
            ensure(Integer.BYTES);
            INTS.set(buf, count, v);
            count += Integer.BYTES;
        }

        void writeLong(long v) {
            if (discard) {
                return;
            }
            ensure(Long.BYTES);
            LONGS.set(buf, count, v);
            count += Long.BYTES;
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v));
        }

        /** Modified UTF-8 with a two-byte length, as DataOutput.writeUTF; plain ASCII (ids, serials) directly. */
        void writeUTF(String s) {
            if (discard) {
                return;
            }
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
