package io.pumptwin.twin.catheter;

import io.pumptwin.twin.delivery.InterruptionCause;

/**
 * Other causes that explain catheter-like evidence away (DOMAIN.md): a motor stall keeps the reservoir
 * fuller than expected; a refill error (pocket fill, wrong concentration) distorts both the residual
 * and the symptoms; any other known interruption (empty reservoir, end of service, reset) explains
 * withdrawal symptoms and futile dose increases; and so does one that has just ended, in its aftermath
 * ({@code resumedFrom}: withdrawal signs reported late, the dose raised again while the patient settles).
 *
 * @param resumedFrom the known interruption delivery resumed from within the aftermath window, or null
 */
public record CompetingExplanations(boolean motorStall, boolean refillError, boolean otherInterruption,
                                    InterruptionCause resumedFrom) {

    public static final CompetingExplanations NONE = new CompetingExplanations(false, false, false, null);

    public CompetingExplanations(boolean motorStall, boolean refillError, boolean otherInterruption) {
        this(motorStall, refillError, otherInterruption, null);
    }

    public boolean any() {
        return motorStall || refillError || otherInterruption || resumedFrom != null;
    }
}
