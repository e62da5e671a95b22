package io.pumptwin.twin.topology;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.ModelParameterSet;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.twin.PumpIdentity;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinAssessment;
import io.pumptwin.twin.TwinEvent;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.TwinTransition;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.wire.TelemetryMapping;
import io.pumptwin.twin.wire.TelemetryRejected;
import io.pumptwin.twin.wire.TwinMapping;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One twin per pump, moved by telemetry in event-time order and by stream time.
 *
 * <p>In-order telemetry takes the fast path: read the twin, apply, write. Telemetry older than the newest
 * applied event, within the reorder window, is held in the reorder buffer and applied in event-time order
 * when stream time passes it by the window; once a pump has held events, its later events queue behind them.
 *
 * <p>Silent pumps: every twin has a grid of check times (the sweep interval, aligned to the epoch) starting at
 * {@code lastHeard + silentAfter}. A twin always passes through each of its check times in order, either when
 * the stream-time sweep reaches it or, just before newer telemetry is applied, by catching up.
 *
 * <p>Flushes and sweeps run after the record that moves stream time into a new flush slot, not in a punctuation:
 * the twins and events are a function of each partition's record order only, however the records were batched
 * (a replacement instance catching up a backlog after a fail-over, a replay, a test driver).
 */
final class TwinProcessor implements Processor<String, TelemetryInput, String, SpecificRecord> {
    private static final Logger log = LoggerFactory.getLogger(TwinProcessor.class);
    static final String STAGE = "twin-engine";
    private static final String AVRO = "application/vnd.pumptwin.avro";
    private static final String ROUND_KEY = "round";
    /** Key in the sweep store of the last flush slot (stream time / flush interval) the twins were moved through. */
    private static final String SLOT_KEY = "stream-time-slot";

    private final TwinModelParameters model;
    private final TwinEngineConfig.ReorderSettings reorder;
    private final long emitIntervalMs;
    private final TwinMetrics metrics;
    private final TelemetryInput.Reader reader;
    private final long gridMs;
    private final long silentMs;
    /** The model's parameters as published on the parameters topic, once per processor, keyed by their digest. */
    private final ModelParameterSet parameterSet;
    /** Whether this processor (this task, since its last initialisation) has published {@link #parameterSet}. */
    private boolean parametersPublished;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> twins;
    /** The twins' cold parts, by pump serial (StoredTwin): written only when they change. */
    private KeyValueStore<String, byte[]> colds;
    private KeyValueStore<String, byte[]> sweepProgress;
    private ReorderBuffer buffer;
    /** The last flush slot done, read from the sweep store on the first record after (re)initialisation. */
    private long doneSlot = Long.MIN_VALUE;
    private boolean doneSlotKnown;
    /** Records this processor has taken, for the 1-in-{@link TwinMetrics#SAMPLE_EVERY} sample timed by stage. */
    private long taken;
    /** Whether the record in hand is timed, and the clock at its last stage boundary. */
    private boolean timing;
    private long lapStart;

    TwinProcessor(TwinEngineConfig config, TwinMetrics metrics, TelemetryInput.Reader reader,
                  ModelParameterSet parameterSet) {
        this.model = config.model();
        this.reorder = config.reorder();
        this.emitIntervalMs = config.stateEmitInterval().toMillis();
        this.metrics = metrics;
        this.reader = reader;
        this.gridMs = reorder.sweepInterval().toMillis();
        this.silentMs = model.silentAfter().toMillis();
        this.parameterSet = parameterSet;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.twins = context.getStateStore(TwinTopology.TWIN_STORE);
        this.colds = context.getStateStore(TwinTopology.COLD_STORE);
        this.sweepProgress = context.getStateStore(TwinTopology.SWEEP_STORE);
        this.buffer = new ReorderBuffer(context.getStateStore(TwinTopology.REORDER_STORE));
        this.doneSlotKnown = false;
        this.parametersPublished = false;
        // No STREAM_TIME punctuation: Kafka Streams fires it between poll batches, so where a flush or sweep fell
        // between records would depend on how the input was batched (a fail-over's backlog is one big batch). The
        // stream-time work runs after the record that moves stream time into a new flush slot instead: the output
        // is a function of the partition's record order alone, as a replay needs.
    }

    // ------------------------------------------------------------------ telemetry

    @Override
    public void process(Record<String, TelemetryInput> record) {
        timing = ++taken % TwinMetrics.SAMPLE_EVERY == 0;
        if (timing) {
            metrics.sampledRecord();
            lapStart = System.nanoTime();
        }
        receive(record);
        onRecordProcessed();
        lap(TwinMetrics.Stage.STREAM_TIME);
        timing = false;
    }

    /** Charges the time since the last stage boundary to {@code stage}, when the record in hand is timed. */
    private void lap(TwinMetrics.Stage stage) {
        if (timing) {
            long now = System.nanoTime();
            metrics.stageTime(stage, now - lapStart);
            lapStart = now;
        }
    }

    private void receive(Record<String, TelemetryInput> record) {
        Origin origin = Origin.of(context.recordMetadata(), record.key());
        if (record.value() instanceof TelemetryInput.Undecodable u) {
            deadLetter(origin, u.reasonCode(), u.reason(), null, record.key(), u.raw());
            return;
        }
        TelemetryInput.Decoded in = (TelemetryInput.Decoded) record.value();
        TelemetryEvent event = mapped(in, origin);
        lap(TwinMetrics.Stage.MAP);
        if (event == null) {
            return;
        }
        if (!event.pumpSerial().equals(record.key())) {
            // The key decides the partition and so which instance owns the twin: a mismatch would split a pump.
            deadLetter(origin, "KEY_MISMATCH", "record key " + record.key() + " is not the envelope's pumpSerial "
                    + event.pumpSerial(), "pumpSerial", event.pumpSerial(), in.raw());
            return;
        }
        Step step;
        try {
            step = decide(event, in, origin);
        } catch (RuntimeException e) {
            processingFailed(origin, event.pumpSerial(), in.raw(), e);
            return;
        }
        write(step);
    }

    private TelemetryEvent mapped(TelemetryInput.Decoded in, Origin origin) {
        try {
            return TelemetryMapping.toDomain(in.envelope());
        } catch (TelemetryRejected r) {
            deadLetter(origin, r.reasonCode(), r.getMessage(), r.field(), in.envelope().getPumpSerial(), in.raw());
        } catch (RuntimeException e) {
            // e.g. an enum symbol added to the schema that this version of the model does not know yet
            deadLetter(origin, "PROCESSING_FAILED", "cannot map telemetry: " + e, null, in.envelope().getPumpSerial(),
                    in.raw());
        }
        return null;
    }

    /** Decides fast path, buffer or late apply; computes the change without writing anything. */
    private Step decide(TelemetryEvent event, TelemetryInput.Decoded in, Origin origin) {
        String serial = event.pumpSerial();
        byte[] value = twins.get(serial);
        lap(TwinMetrics.Stage.READ);
        if (value == null) {
            return applied(serial, null, null, event, in.envelope());
        }
        StoredTwin stored = StoredTwin.read(value);
        long t = event.eventTime().toEpochMilli();
        long watermark = context.currentStreamTimeMs() - reorder.window().toMillis();
        boolean queueBehind = stored.buffered() > 0;
        boolean reorderable = t < stored.lastAppliedMillis() && t >= watermark;
        if (queueBehind || reorderable) {
            if (buffer.hold(t, serial, event.sequence(), event.eventId(), origin, in.raw())) {
                metrics.buffered();
                return Step.store(serial, stored.withBuffered(stored.buffered() + 1).bytes());
            }
            metrics.duplicate();
            return Step.nothing(serial);
        }
        if (t < stored.lastAppliedMillis()) {
            metrics.late(); // older than the window: applied at the twin's own time (PumpTwin.apply)
        }
        StoredTwin whole = withCold(serial, stored);
        lap(TwinMetrics.Stage.READ);
        PumpTwin before = whole.twin(model);
        lap(TwinMetrics.Stage.DECODE);
        return applied(serial, whole, before, event, in.envelope());
    }

    /** The stored twin with its cold part, read from the cold store when it was stored split. */
    private StoredTwin withCold(String serial, StoredTwin stored) {
        return stored.split() ? stored.withCold(colds.get(serial)) : stored;
    }

    private Step applied(String serial, StoredTwin stored, PumpTwin before, TelemetryEvent event,
                         TelemetryEnvelope envelope) {
        PumpTwin twin = before != null ? before : PumpTwin.start(identity(event, envelope), event.eventTime(), model);
        long t = event.eventTime().toEpochMilli();
        List<TwinEvent> events = new ArrayList<>();
        PumpTwin caughtUp = catchUp(twin, t, events);
        TwinTransition transition = caughtUp.apply(event);
        events.addAll(transition.events());
        boolean duplicate = transition.outcome() == TwinTransition.Outcome.DUPLICATE;
        if (duplicate) {
            metrics.duplicate();
            if (caughtUp == twin && stored != null) {
                return Step.nothing(serial);
            }
        } else {
            metrics.applied();
        }
        PumpTwin next = transition.twin();
        long lastApplied = stored == null ? t : duplicate ? stored.lastAppliedMillis()
                : Math.max(stored.lastAppliedMillis(), t);
        boolean emit = stored == null || duplicate || material(stored, twin, next, event, events);
        long emittedAt = emit ? next.asOf().toEpochMilli() : stored.stateEmittedMillis();
        lap(TwinMetrics.Stage.APPLY);
        StoredTwin out = StoredTwin.of(next, nextCheck(next), lastApplied, emittedAt,
                stored == null ? 0 : stored.buffered(), stored, before);
        lap(TwinMetrics.Stage.ENCODE);
        return new Step(serial, out.bytes(), out.coldChangedFrom(stored), events, emit ? next : null,
                emit ? transition.assessment() : null);
    }

    /**
     * When a routine status report must reach the twin-state topic: always when the emit interval is zero;
     * otherwise when it raised an event, changed the prescription, delivery or critical alarms, or the interval
     * has passed since the last state written. Every other kind of telemetry always writes the state.
     */
    private boolean material(StoredTwin stored, PumpTwin before, PumpTwin after, TelemetryEvent event,
                             List<TwinEvent> events) {
        if (emitIntervalMs == 0 || !events.isEmpty() || !(event.fact() instanceof StatusReport)) {
            return true;
        }
        if (!Objects.equals(before.prescription(), after.prescription())
                || !Objects.equals(before.delivery(), after.delivery())
                || !before.activeCriticalAlarms().equals(after.activeCriticalAlarms())) {
            return true;
        }
        return stored.stateEmittedMillis() == Long.MIN_VALUE
                || after.asOf().toEpochMilli() - stored.stateEmittedMillis() >= emitIntervalMs;
    }

    private static PumpIdentity identity(TelemetryEvent event, TelemetryEnvelope envelope) {
        LocalDate manufactured = envelope.getPayload() instanceof io.pumptwin.events.StatusReport s
                ? s.getManufacturedOn() : null;
        return new PumpIdentity(event.pumpSerial(), event.patientPseudonym(), event.clinicId(), manufactured);
    }

    // ------------------------------------------------------------------ stream time

    /**
     * Flushes and sweeps once per flush slot of stream time, after the record that entered the slot. The slot done
     * is kept in the changelogged sweep store, so a fail-over resumes exactly where the failed instance's last
     * committed transaction left it (its stream time is restored from the committed offsets' metadata).
     */
    private void onRecordProcessed() {
        long streamTime = context.currentStreamTimeMs();
        long slot = Math.floorDiv(streamTime, reorder.flushInterval().toMillis());
        if (!doneSlotKnown) {
            byte[] stored = sweepProgress.get(SLOT_KEY);
            doneSlot = stored == null ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
            doneSlotKnown = true;
        }
        if (slot <= doneSlot) {
            return;
        }
        doneSlot = slot;
        sweepProgress.put(SLOT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(slot).array());
        long watermark = streamTime - reorder.window().toMillis();
        flush(watermark);
        sweep(watermark);
    }

    /** Applies held telemetry that stream time has passed by the window, oldest first. */
    private void flush(long watermark) {
        for (ReorderBuffer.Held held : buffer.due(watermark, reorder.sweepBatch())) {
            buffer.release(held);
            byte[] value = twins.get(held.pumpSerial());
            StoredTwin stored;
            try {
                stored = withCold(held.pumpSerial(), StoredTwin.read(value));
                stored = stored.withBuffered(Math.max(0, stored.buffered() - 1));
                lap(TwinMetrics.Stage.READ);
            } catch (RuntimeException e) {
                processingFailed(held.origin(), held.pumpSerial(), held.raw(), e);
                continue;
            }
            TelemetryInput input = reader.deserialize(held.origin().topic(), held.raw());
            if (!(input instanceof TelemetryInput.Decoded in)) {
                // Cannot happen for bytes that decoded when held, unless the registry forgot the schema.
                twins.put(held.pumpSerial(), stored.bytes());
                TelemetryInput.Undecodable u = (TelemetryInput.Undecodable) input;
                deadLetter(held.origin(), u.reasonCode(), u.reason(), null, held.pumpSerial(), held.raw());
                continue;
            }
            TelemetryEvent event = mapped(in, held.origin());
            Step step = null;
            if (event != null) {
                try {
                    PumpTwin before = stored.twin(model);
                    lap(TwinMetrics.Stage.DECODE);
                    step = applied(held.pumpSerial(), stored, before, event, in.envelope());
                } catch (RuntimeException e) {
                    processingFailed(held.origin(), held.pumpSerial(), held.raw(), e);
                }
            }
            if (step == null || step.stored() == null) {
                twins.put(held.pumpSerial(), stored.bytes());
            }
            if (step != null) {
                write(step);
            }
        }
    }

    /**
     * Advances twins due for a silent check to the check times up to the watermark, in rounds: a round has a
     * fixed target on the sweep grid and visits at most {@code sweepBatch} twins per flush slot, resuming at
     * its cursor, so the work per flush slot is bounded however many pumps a task holds.
     */
    private void sweep(long watermark) {
        SweepRound round = SweepRound.read(sweepProgress.get(ROUND_KEY));
        long target = Math.floorDiv(watermark, gridMs) * gridMs;
        if (!round.inProgress()) {
            if (target <= round.lastCompletedTarget()) {
                return;
            }
            round = new SweepRound(target, round.lastCompletedTarget(), true, null);
        }
        List<KeyValue<String, byte[]>> due = new ArrayList<>();
        String last = round.cursor();
        boolean exhausted;
        int visited = 0;
        try (KeyValueIterator<String, byte[]> it = round.cursor() == null ? twins.all()
                : twins.range(round.cursor(), null)) {
            while (it.hasNext() && visited < reorder.sweepBatch()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.key.equals(round.cursor())) {
                    continue;
                }
                visited++;
                last = kv.key;
                if (StoredTwin.nextCheckOf(kv.value) <= round.target()) {
                    due.add(kv);
                }
            }
            exhausted = !it.hasNext();
        }
        lap(TwinMetrics.Stage.STREAM_TIME);
        for (KeyValue<String, byte[]> kv : due) {
            Step step;
            try {
                StoredTwin stored = withCold(kv.key, StoredTwin.read(kv.value));
                lap(TwinMetrics.Stage.READ);
                PumpTwin before = stored.twin(model);
                lap(TwinMetrics.Stage.DECODE);
                List<TwinEvent> events = new ArrayList<>();
                PumpTwin next = catchUp(before, round.target(), events);
                lap(TwinMetrics.Stage.APPLY);
                StoredTwin out = StoredTwin.of(next, nextCheck(next), stored.lastAppliedMillis(),
                        next.asOf().toEpochMilli(), stored.buffered(), stored, before);
                lap(TwinMetrics.Stage.ENCODE);
                step = new Step(kv.key, out.bytes(), out.coldChangedFrom(stored), events, next);
            } catch (RuntimeException e) {
                log.error("twin sweep skipped pump={} error={}", kv.key, e.toString());
                continue;
            }
            metrics.sweptTwin();
            write(step);
        }
        SweepRound after = exhausted ? new SweepRound(round.target(), round.target(), false, null)
                : new SweepRound(round.target(), round.lastCompletedTarget(), true, last);
        sweepProgress.put(ROUND_KEY, after.bytes());
    }

    /** Passes the twin through each of its silent-check times up to {@code upTo}, collecting the events. */
    private PumpTwin catchUp(PumpTwin twin, long upTo, List<TwinEvent> events) {
        PumpTwin t = twin;
        for (long check = nextCheck(t); check <= upTo; check = nextCheck(t)) {
            TwinTransition advanced = t.advanceTo(Instant.ofEpochMilli(check));
            events.addAll(advanced.events());
            t = advanced.twin();
        }
        return t;
    }

    /**
     * The first grid point at which the pump counts as silent, or the next grid point after the twin's time; never for
     * an explanted pump's twin: it is silent for good by design, and the sweep need not visit it again (unless its
     * explant is in doubt: such a twin follows its pump as an implanted one does, PumpTwin.followedWhileRetired).
     */
    private long nextCheck(PumpTwin twin) {
        if (twin.explant() != null && !twin.followedWhileRetired()) {
            return Long.MAX_VALUE;
        }
        long heard = (twin.lastHeardAt() == null ? twin.asOf() : twin.lastHeardAt()).toEpochMilli();
        long silentAt = -Math.floorDiv(-(heard + silentMs), gridMs) * gridMs;
        long afterNow = Math.floorDiv(twin.asOf().toEpochMilli(), gridMs) * gridMs + gridMs;
        return Math.max(silentAt, afterNow);
    }

    // ------------------------------------------------------------------ output

    private void write(Step step) {
        if (step.cold() != null) {
            colds.put(step.serial(), step.cold());
        }
        if (step.stored() != null) {
            twins.put(step.serial(), step.stored());
        }
        lap(TwinMetrics.Stage.WRITE);
        for (TwinEvent e : step.events()) {
            context.forward(new Record<String, SpecificRecord>(e.pumpSerial(), TwinMapping.toAvro(e),
                    e.eventTime().toEpochMilli()), TwinTopology.EVENTS_SINK);
            metrics.twinEvent(e.type());
        }
        lap(TwinMetrics.Stage.EVENTS);
        if (step.state() != null) {
            long at = step.state().asOf().toEpochMilli();
            if (!parametersPublished) {
                // Before the first state that names them, in the same transaction: a reader of the state topic
                // finds the digest's values on the parameters topic (compacted by digest; a copy per task is one).
                context.forward(new Record<String, SpecificRecord>(parameterSet.getDigest(), parameterSet, at),
                        TwinTopology.PARAMETERS_SINK);
                parametersPublished = true;
            }
            context.forward(new Record<String, SpecificRecord>(step.serial(),
                    TwinMapping.toTwinState(step.state(), step.stateView(), parameterSet.getDigest()), at),
                    TwinTopology.STATE_SINK);
            metrics.stateEmitted();
        }
        lap(TwinMetrics.Stage.STATE);
    }

    private void processingFailed(Origin origin, String serial, byte[] raw, RuntimeException e) {
        deadLetter(origin, "PROCESSING_FAILED", "twin engine failed on this record: " + e, null, serial, raw);
    }

    private void deadLetter(Origin origin, String reasonCode, String reason, String field, String serial,
                            byte[] raw) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setDeadLetterId(origin.deadLetterId(STAGE))
                .setStage(STAGE)
                .setReasonCode(reasonCode)
                .setReason(reason == null ? reasonCode : reason)
                .setField(field)
                .setPumpSerial(serial)
                .setOriginTopic(origin.topic())
                .setOriginPartition(origin.partition() < 0 ? null : origin.partition())
                .setOriginOffset(origin.offset() < 0 ? null : origin.offset())
                .setOriginKey(origin.keyBytes() == null ? null : ByteBuffer.wrap(origin.keyBytes()))
                .setRawValue(ByteBuffer.wrap(raw))
                .setContentType(AVRO)
                // wall clock of the refusing service, as the schema says; TopologyTestDriver mocks it
                .setOccurredAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
        // Stamped with the refusal's wall clock, like occurredAt: the topic's time-based retention must count from
        // when the record was refused, or a replay of telemetry older than the retention would see its dead letters
        // deleted by the broker minutes after they were written (nothing may be lost).
        context.forward(new Record<String, SpecificRecord>(serial != null ? serial : origin.key(), letter,
                context.currentSystemTimeMs()), TwinTopology.DEAD_LETTER_SINK);
        metrics.rejected(reasonCode);
        log.warn("twin telemetry dead-lettered reason={} field={} topic={} partition={} offset={} pump={} detail={}",
                reasonCode, field, origin.topic(), origin.partition(), origin.offset(), serial, reason);
    }

    /**
     * What one record or sweep step changes: the stored twin and its cold part (each null: unchanged), events, the
     * state to emit.
     */
    private record Step(String serial, byte[] stored, byte[] cold, List<TwinEvent> events, PumpTwin state,
                        TwinAssessment view) {
        Step(String serial, byte[] stored, byte[] cold, List<TwinEvent> events, PumpTwin state) {
            this(serial, stored, cold, events, state, null);
        }

        static Step nothing(String serial) {
            return new Step(serial, null, null, List.of(), null);
        }

        static Step store(String serial, byte[] stored) {
            return new Step(serial, stored, null, List.of(), null);
        }

        /** The state's assessment: the one the transition made, or a fresh one. */
        TwinAssessment stateView() {
            return view != null ? view : state.assess();
        }
    }

    /** Progress of the silent-pump sweep, in a changelogged store so a fail-over resumes it. */
    private record SweepRound(long target, long lastCompletedTarget, boolean inProgress, String cursor) {
        static SweepRound read(byte[] bytes) {
            if (bytes == null) {
                return new SweepRound(Long.MIN_VALUE, Long.MIN_VALUE, false, null);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long target = b.getLong();
            long completed = b.getLong();
            boolean inProgress = b.get() == 1;
            String cursor = null;
            if (b.get() == 1) {
                byte[] c = new byte[b.remaining()];
                b.get(c);
                cursor = new String(c, StandardCharsets.UTF_8);
            }
            return new SweepRound(target, completed, inProgress, cursor);
        }

        byte[] bytes() {
            byte[] c = cursor == null ? new byte[0] : cursor.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(8 + 8 + 2 + c.length).putLong(target).putLong(lastCompletedTarget)
                    .put((byte) (inProgress ? 1 : 0)).put((byte) (cursor == null ? 0 : 1)).put(c).array();
        }
    }
}
