package io.pumptwin.twin.telemetry;

/**
 * How the pump is programmed to deliver. MINIMUM_RATE is what a pump falls back to after a
 * low-battery or memory reset: effectively no therapy (DOMAIN.md).
 */
public enum InfusionMode { SIMPLE_CONTINUOUS, FLEXIBLE, PERIODIC_BOLUS, SINGLE_BOLUS, MINIMUM_RATE }
