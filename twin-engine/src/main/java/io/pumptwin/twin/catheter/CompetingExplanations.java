package io.pumptwin.twin.catheter;

/**
 * Other causes that explain catheter-like evidence away (DOMAIN.md): a motor stall keeps the reservoir
 * fuller than expected; a refill error (pocket fill, wrong concentration) distorts both the residual
 * and the symptoms; any other known interruption (empty reservoir, end of service, reset) explains
 * withdrawal symptoms and futile dose increases.
 */
public record CompetingExplanations(boolean motorStall, boolean refillError, boolean otherInterruption) {

    public static final CompetingExplanations NONE = new CompetingExplanations(false, false, false);

    public boolean any() {
        return motorStall || refillError || otherInterruption;
    }
}
