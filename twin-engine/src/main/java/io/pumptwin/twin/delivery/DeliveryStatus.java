package io.pumptwin.twin.delivery;

/** Whether drug is believed to leave the pump. */
public enum DeliveryStatus { DELIVERING, STOPPED, MINIMUM_RATE, UNKNOWN }
