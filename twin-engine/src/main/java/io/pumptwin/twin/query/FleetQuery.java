package io.pumptwin.twin.query;

import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.TwinState;

import java.time.Instant;
import java.util.Map;

/**
 * A fleet query: twins of one clinic, at or above a risk level, or with a refill due before a date; the
 * filters given all apply.
 *
 * <p>An explanted pump answers only by clinic, unless its twin doubts the explant: then it answers the risk query
 * by its underdose/withdrawal level, the risk the twin follows while the doubt stands.
 *
 * @param risk the higher of the underdose/withdrawal and overdose levels must be at least this
 */
record FleetQuery(String clinic, RiskLevel risk, Instant refillDueBefore, int limit) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    FleetQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Parses query parameters; throws IllegalArgumentException naming the bad parameter. */
    static FleetQuery parse(Map<String, String> params) {
        String clinic = params.get("clinic");
        RiskLevel risk = null;
        if (params.get("risk") != null) {
            try {
                risk = RiskLevel.valueOf(params.get("risk"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("risk must be one of NONE, WATCH, LIKELY, URGENT, was "
                        + params.get("risk"));
            }
        }
        Instant due = null;
        if (params.get("refillDueBefore") != null) {
            try {
                due = Instant.parse(params.get("refillDueBefore"));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("refillDueBefore must be an ISO-8601 instant, was "
                        + params.get("refillDueBefore"));
            }
        }
        int limit = DEFAULT_LIMIT;
        if (params.get("limit") != null) {
            try {
                limit = Integer.parseInt(params.get("limit"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be a number, was " + params.get("limit"));
            }
        }
        return new FleetQuery(clinic, risk, due, limit);
    }

    boolean matches(TwinState twin) {
        if (clinic != null && !clinic.equals(twin.getClinicId())) {
            return false;
        }
        boolean explanted = twin.getExplant() != null;
        boolean doubted = explanted && twin.getExplant().getDoubtedSince() != null;
        if (explanted && (refillDueBefore != null || risk != null && !doubted)) {
            // An explanted pump's figures stand as at its explant: no patient is at risk from it, nothing to refill.
            // Unless the twin doubts the explant (the pump went on reporting from the patient's home): then it
            // follows the pump's underdose and overdose risks, which its patient may be in while the record says
            // otherwise.
            return false;
        }
        if (risk != null) {
            RiskLevel worst = worstRisk(twin);
            if (worst.ordinal() < risk.ordinal()) {
                return false;
            }
        }
        if (refillDueBefore != null) {
            Instant due = twin.getReservoir().getRefillDueAt();
            return due != null && due.isBefore(refillDueBefore);
        }
        return true;
    }

    /** The graver of the twin's underdose/withdrawal and overdose levels (a doubted explant's twin follows both). */
    private static RiskLevel worstRisk(TwinState twin) {
        RiskLevel under = twin.getUnderdose().getLevel();
        RiskLevel over = twin.getOverdose().getLevel();
        return under.ordinal() >= over.ordinal() ? under : over;
    }
}
