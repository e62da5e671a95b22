package io.pumptwin.twin.telemetry;

/** Which kind of device delivered a telemetry event. */
public enum TelemetrySource { HOME_COMMUNICATOR, CLINICIAN_PROGRAMMER, PATIENT_THERAPY_MANAGER, SIMULATOR, OTHER }
