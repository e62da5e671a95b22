package io.pumptwin.twin;

/** RAISED when a condition starts, UPDATED when it worsens or changes, CLEARED when the twin says it is gone. */
public enum TwinEventTransition { RAISED, UPDATED, CLEARED }
