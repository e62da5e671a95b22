package io.pumptwin.twin.telemetry;

/** Who reported symptoms. */
public enum SymptomReporter { PATIENT, CAREGIVER, CLINICIAN }
