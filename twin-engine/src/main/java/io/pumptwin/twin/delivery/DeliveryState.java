package io.pumptwin.twin.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What the pump itself says about delivery: stopped by a motor stall or end of service, or fallen to
 * the minimal rate after a reset. Reservoir exhaustion and catheter faults are not here: they are
 * estimated, not reported, and the risk model weighs them by their probability.
 *
 * <p>While delivering, {@code cause} is the known interruption delivery resumed from at {@code since} (null when
 * the twin knows of none): its aftermath (withdrawal signs reported late, re-titration of the dose) explains
 * evidence that would otherwise point at the catheter or at a new interruption ({@link #resumedFrom}).
 *
 * @param since         when the current status began (event time); null while UNKNOWN
 * @param cause         why delivery is interrupted; while delivering, what it last resumed from (or null)
 * @param sourceEventId the telemetry event that set the status
 */
public record DeliveryState(DeliveryStatus status, Instant since, InterruptionCause cause, String sourceEventId) {

    public static DeliveryState unknown() {
        return new DeliveryState(DeliveryStatus.UNKNOWN, null, null, null);
    }

    public static DeliveryState delivering(Instant since, String sourceEventId) {
        return new DeliveryState(DeliveryStatus.DELIVERING, since, null, sourceEventId);
    }

    public boolean interrupted() {
        return status == DeliveryStatus.STOPPED || status == DeliveryStatus.MINIMUM_RATE;
    }

    /** A new interruption keeps the earlier start if delivery was already interrupted for the same cause. */
    public DeliveryState interruptedBy(InterruptionCause newCause, Instant at, String eventId) {
        DeliveryStatus next = newCause == InterruptionCause.RESET_TO_MINIMUM_RATE ? DeliveryStatus.MINIMUM_RATE
                : DeliveryStatus.STOPPED;
        if (status == next && cause == newCause) {
            return this;
        }
        if (cause == InterruptionCause.END_OF_SERVICE) {
            // A depleted battery does not come back: nothing overrides end of service.
            return this;
        }
        return new DeliveryState(next, at, newCause, eventId);
    }

    /**
     * Delivery resumed (stall recovered, pump reprogrammed after a reset), remembering what it resumed from; from
     * UNKNOWN (the first report) it resumed from nothing known. End of service is final.
     */
    public DeliveryState resumed(Instant at, String eventId) {
        if (status == DeliveryStatus.DELIVERING || cause == InterruptionCause.END_OF_SERVICE) {
            return this;
        }
        return new DeliveryState(DeliveryStatus.DELIVERING, at, status == DeliveryStatus.UNKNOWN ? null : cause,
                eventId);
    }

    /**
     * A refill found the reservoir dry: delivery had stopped for want of drug, unseen by the pump (it computes its
     * volume from what it believes it delivered), and resumes with the fill. A pump stopped for its own reason
     * stays stopped.
     */
    public DeliveryState refilledAfterRunningDry(Instant at, String eventId) {
        if (interrupted()) {
            return this;
        }
        return new DeliveryState(DeliveryStatus.DELIVERING, at, InterruptionCause.RESERVOIR_EMPTY, eventId);
    }

    /** The known interruption delivery resumed from no longer than {@code aftermath} before {@code t}, else null. */
    public InterruptionCause resumedFrom(Instant t, Duration aftermath) {
        if (status != DeliveryStatus.DELIVERING || cause == null || since == null || t.isAfter(since.plus(aftermath))) {
            return null;
        }
        return cause;
    }
}
