package io.pumptwin.twin.battery;

import java.time.Instant;

/**
 * One reported battery level, with the drain factor of the flow rate in force when it was reported,
 * so a rate fitted over a period at one flow can be projected at another.
 */
public record BatteryReading(Instant at, double percent, double flowFactor) {
}
