package io.pumptwin.twin.topology;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.CatheterCheckMethod;
import io.pumptwin.events.CatheterCheckResult;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEventType;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read cache of stored twins (TwinStores) is invisible in what the engine writes: the same telemetry gives the
 * same twin states, twin events and dead letters with the cache off, with a cache so small that it drops twins all
 * the time, and with the default one. Each pump of the input takes a different path through the processor (the
 * fast path, the reorder buffer, duplicates, the silent-pump sweep, refills, alarms, symptoms, dose changes, a
 * catheter check), so a cached twin that went stale, or a decoded twin that differs from the one its bytes hold,
 * shows up as a difference.
 */
class TwinCacheTest {
    private static final int DAYS = 14;
    private static final int READINGS_PER_DAY = 24;

    @Test
    void the_cache_changes_no_state_no_event_and_no_dead_letter() {
        List<TelemetryEnvelope> input = fleetStory();
        Run off = run(input, c -> c.withTwinCacheBytes(0));
        Run tiny = run(input, c -> c.withTwinCacheBytes(4_096));
        Run full = run(input, c -> c);

        assertThat(off.events).as("the input must raise events of several kinds, or it proves little")
                .extracting(r -> r.value().getType()).contains(TwinEventType.PUMP_SILENT,
                        TwinEventType.PUMP_CRITICAL_ALARM, TwinEventType.UNDERDOSE_RISK);
        for (Run cached : List.of(tiny, full)) {
            assertThat(cached.events).containsExactlyElementsOf(off.events);
            assertThat(cached.states).containsExactlyElementsOf(off.states);
            assertThat(cached.deadLetters).containsExactlyElementsOf(off.deadLetters);
        }
        assertThat(off.hits).as("no cache, no hit").isZero();
        // Every read after a pump's first record finds the default cache holding the twin.
        assertThat(full.hits).isGreaterThan(0.9 * input.size());
        assertThat(tiny.hits).as("a cache too small for the fleet drops twins").isLessThan(full.hits);
        assertThat(tiny.cachedBytes).as("the budget, give or take the one twin it always keeps")
                .isLessThan(4_096 + 4_096);
        assertThat(full.cachedBytes).isGreaterThan(tiny.cachedBytes);
    }

    private record Run(List<TestRecord<String, io.pumptwin.events.TwinEvent>> events,
                       List<TestRecord<String, io.pumptwin.events.TwinState>> states,
                       List<TestRecord<String, io.pumptwin.events.DeadLetter>> deadLetters, double hits,
                       double cachedBytes) {
    }

    private static Run run(List<TelemetryEnvelope> input, UnaryOperator<io.pumptwin.twin.engine.TwinEngineConfig> c) {
        try (TwinDriver d = new TwinDriver(config -> c.apply(config.withStateEmitInterval(java.time.Duration.ZERO)))) {
            for (TelemetryEnvelope e : input) {
                d.send(e);
            }
            d.sendRaw("CACHE-0", new byte[] {0, 1, 2}); // undecodable: a dead letter in every run
            double hits = d.meters.get("twin.cache.reads").tag("result", "hit").counter().count();
            double bytes = d.meters.get("twin.cache.bytes").gauge().value();
            return new Run(List.copyOf(d.eventLog), List.copyOf(d.stateLog), List.copyOf(d.deadLetterLog), hits,
                    bytes);
        }
    }

    /** Hourly readings of six pumps for two weeks, each pump with its own story. */
    private static List<TelemetryEnvelope> fleetStory() {
        List<TelemetryStory> pumps = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            pumps.add(new TelemetryStory("CACHE-" + p));
        }
        List<TelemetryEnvelope> out = new ArrayList<>();
        for (int step = 0; step < DAYS * READINGS_PER_DAY; step++) {
            double day = step / (double) READINGS_PER_DAY;
            for (int p = 0; p < pumps.size(); p++) {
                TelemetryStory pump = pumps.get(p);
                double at = day + p / 1440.0;
                if (p == 1 && day >= 3 && day < 6) {
                    continue; // silent for three days: the sweep advances it, then it reports again
                }
                if (p == 2 && step == 4 * READINGS_PER_DAY) {
                    out.add(pump.alarm(at, PumpAlarmKind.MOTOR_STALL, true));
                }
                if (p == 3 && step % 7 == 0) {
                    TelemetryEnvelope e = pump.status(at);
                    out.add(e);
                    out.add(e); // a duplicate, applied once
                    continue;
                }
                if (p == 4 && step % 5 == 0) {
                    // two readings five minutes apart, arriving newest first: the older one waits in the reorder buffer
                    TelemetryEnvelope older = pump.status(at);
                    TelemetryEnvelope newer = pump.status(at + 5 / 1440.0);
                    out.add(newer);
                    out.add(older);
                    continue;
                }
                if (p == 5 && step == 6 * READINGS_PER_DAY) {
                    out.add(pump.symptoms(at, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS));
                    out.add(pump.doseChange(at + 0.01, 600, DoseChangeReason.SPASTICITY_NOT_CONTROLLED));
                }
                if (p == 5 && step == 8 * READINGS_PER_DAY) {
                    out.add(pump.check(at, CatheterCheck.newBuilder()
                            .setMethod(CatheterCheckMethod.ACCESS_PORT_ASPIRATION).setResult(CatheterCheckResult.NORMAL)
                            .setFaultKind(null).build()));
                }
                if (p == 0 && step == 10 * READINGS_PER_DAY) {
                    out.add(pump.refill(at, 17.5, 17.4));
                }
                out.add(pump.status(at));
            }
        }
        return out;
    }
}
