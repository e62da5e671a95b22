package io.pumptwin.twin;

import io.pumptwin.twin.battery.BatteryModelParameters;
import io.pumptwin.twin.catheter.CatheterModelParameters;
import io.pumptwin.twin.reservoir.ReservoirModelParameters;
import io.pumptwin.twin.risk.RiskModelParameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every parameter of the twin, built once at start-up and passed in; analysts' replays may use
 * another named set, and the name and values travel in each twin's provenance.
 *
 * @param name                  name of the parameter set
 * @param silentAfter           a pump that has not reported for this long (stream time) is silent;
 *                              home communicators report daily, so the default is 48 h
 * @param refillDueNotice       REFILL_DUE is raised this long before the refill-due date
 * @param refillUrgentBeforeEmpty REFILL_URGENT becomes URGENT this long before the empty band's early edge
 * @param recentEventLimit      telemetry events remembered for de-duplication
 * @param symptomMemory         symptom reports kept for the risk windows (bounded)
 */
public record TwinModelParameters(
        String name,
        ReservoirModelParameters reservoir,
        BatteryModelParameters battery,
        CatheterModelParameters catheter,
        RiskModelParameters risk,
        Duration silentAfter,
        Duration refillDueNotice,
        Duration refillUrgentBeforeEmpty,
        int recentEventLimit,
        int symptomMemory) {

    /** Version of the model code; goes into every twin's provenance. */
    public static final String MODEL_VERSION = "twin-model-1";

    public TwinModelParameters {
        Objects.requireNonNull(name);
        Objects.requireNonNull(reservoir);
        Objects.requireNonNull(battery);
        Objects.requireNonNull(catheter);
        Objects.requireNonNull(risk);
        if (silentAfter.isNegative() || silentAfter.isZero() || recentEventLimit < 1 || symptomMemory < 1) {
            throw new IllegalArgumentException("invalid twin parameters");
        }
    }

    public static TwinModelParameters defaults() {
        return new TwinModelParameters("default", ReservoirModelParameters.wesemann2014(),
                BatteryModelParameters.defaults(), CatheterModelParameters.defaults(), RiskModelParameters.defaults(),
                Duration.ofHours(48), Duration.ofDays(14), Duration.ofHours(72), 64, 16);
    }

    public TwinModelParameters withReservoir(ReservoirModelParameters r) {
        return new TwinModelParameters(name, r, battery, catheter, risk, silentAfter, refillDueNotice,
                refillUrgentBeforeEmpty, recentEventLimit, symptomMemory);
    }

    public TwinModelParameters withSilentAfter(Duration d) {
        return new TwinModelParameters(name, reservoir, battery, catheter, risk, d, refillDueNotice,
                refillUrgentBeforeEmpty, recentEventLimit, symptomMemory);
    }

    /**
     * Every parameter of the set as text, {@code TwinModelParameters[name=..., reservoir=ReservoirModelParameters[...],
     * ...]}: the records' own rendering, each double as Java writes it and each duration in ISO-8601. What
     * {@link #digest()} is taken of, and published with it.
     */
    public String definition() {
        return toString();
    }

    /**
     * The name twin states give these values (TwinState provenance): SHA-256 of the UTF-8 {@link #definition()}, its
     * first 16 bytes in lower-case hex. Two sets differing in any parameter, or only in name, have different digests.
     */
    public String digest() {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(definition().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.putAll(reservoir.asMap());
        m.putAll(battery.asMap());
        m.putAll(catheter.asMap());
        m.putAll(risk.asMap());
        m.put("twin.silentAfterHours", silentAfter.toMillis() / 3_600_000.0);
        m.put("twin.refillDueNoticeDays", refillDueNotice.toMillis() / 86_400_000.0);
        return m;
    }
}
