package io.pumptwin.twin.catheter;

import io.pumptwin.twin.delivery.InterruptionCause;

/**
 * Other causes that explain catheter-like evidence away (DOMAIN.md): a motor stall keeps the reservoir
 * fuller than expected; a refill error (pocket fill, wrong concentration) distorts both the residual
 * and the symptoms; any other known interruption (empty reservoir, end of service, reset) explains
 * withdrawal symptoms and futile dose increases; and so does one that has just ended, in its aftermath
 * ({@code resumedFrom}: withdrawal signs reported late, the dose raised again while the patient settles).
 *
 * @param resumedFrom       the known interruption delivery resumed from within the aftermath window, or null
 * @param weakFillSuspected withdrawal signs that began within two days after a fill: a drug weaker than programmed
 *                          may explain them, unknown to the refill record (a suspicion, not a known cause: it takes
 *                          half a clue's weight, CatheterFaultLikelihood#SUSPECTED_WEAK_FILL_KEPT)
 * @param afterOverdoseSigns overdose signs were reported within the aftermath window (two weeks): the undertreated
 *                          picture that follows is the dose lowered for them, or a pocket fill's drug wearing off
 *                          (as the underdose risk reads it, UnderdoseRisk#loneSignDoubtsTheFill); a withdrawal episode
 *                          days after an overdose episode raised CATHETER_FAULT_SUSPECTED (bench scorecard,
 *                          battery-advisory seed 3; issue 6)
 */
public record CompetingExplanations(boolean motorStall, boolean refillError, boolean otherInterruption,
                                    InterruptionCause resumedFrom, boolean weakFillSuspected,
                                    boolean afterOverdoseSigns) {

    public static final CompetingExplanations NONE = new CompetingExplanations(false, false, false, null);

    public CompetingExplanations(boolean motorStall, boolean refillError, boolean otherInterruption) {
        this(motorStall, refillError, otherInterruption, null);
    }

    public CompetingExplanations(boolean motorStall, boolean refillError, boolean otherInterruption,
                                 InterruptionCause resumedFrom) {
        this(motorStall, refillError, otherInterruption, resumedFrom, false, false);
    }

    /** Whether a known cause explains the evidence (a suspected weak fill is not one). */
    public boolean any() {
        return motorStall || refillError || otherInterruption || resumedFrom != null || afterOverdoseSigns;
    }

    /** The same explanations with a weak fill suspected besides. */
    public CompetingExplanations withWeakFillSuspected() {
        return new CompetingExplanations(motorStall, refillError, otherInterruption, resumedFrom, true,
                afterOverdoseSigns);
    }

    /** The same explanations with overdose signs reported within the aftermath window besides. */
    public CompetingExplanations withOverdoseSignsBefore() {
        return new CompetingExplanations(motorStall, refillError, otherInterruption, resumedFrom, weakFillSuspected,
                true);
    }
}
