package io.pumptwin.twin;

import io.pumptwin.twin.risk.RiskLevel;

import java.time.Instant;

/**
 * A condition the twin has raised and not yet cleared: what the next crossing is compared with.
 *
 * @param dueAt null when the condition has no date
 */
public record ActiveCondition(TwinEventType type, RiskLevel level, Instant dueAt, Instant raisedAt) {
}
