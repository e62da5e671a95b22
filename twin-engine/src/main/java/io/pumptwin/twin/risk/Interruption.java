package io.pumptwin.twin.risk;

import io.pumptwin.twin.delivery.InterruptionCause;

import java.time.Instant;

/**
 * A cause of interrupted delivery the twin knows or suspects.
 *
 * @param since     when delivery stopped (or is estimated to have stopped)
 * @param certainty 1 for what the pump reported itself; the estimated probability for an empty
 *                  reservoir or a catheter fault
 * @param detail    one line a nurse can act on
 */
public record Interruption(InterruptionCause cause, Instant since, double certainty, String detail,
                           String sourceEventId) {
}
