package io.pumptwin.twin.telemetry;

/** How a catheter was checked (DOMAIN.md: access port aspiration, dye study, rotor study). */
public enum CatheterCheckMethod { ACCESS_PORT_ASPIRATION, DYE_STUDY, ROTOR_STUDY, IMAGING }
