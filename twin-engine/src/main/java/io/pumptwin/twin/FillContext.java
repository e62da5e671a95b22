package io.pumptwin.twin;

import java.time.Instant;

/**
 * What happened at and since the last fill that changes how the next residual is read: a motor
 * stall keeps the reservoir fuller; a refill error (pocket fill, concentration programmed differently
 * from the drug filled) makes the last fill unreliable.
 *
 * @param filledAt          null until the twin has seen a fill
 * @param pocketFillAt      the fill time when a pocket fill was suspected, else null
 */
public record FillContext(Instant filledAt, String fillEventId, boolean motorStallSinceFill, boolean refillError,
                          Instant pocketFillAt) {

    public static final FillContext NONE = new FillContext(null, null, false, false, null);

    FillContext withMotorStall() {
        return motorStallSinceFill ? this : new FillContext(filledAt, fillEventId, true, refillError, pocketFillAt);
    }
}
