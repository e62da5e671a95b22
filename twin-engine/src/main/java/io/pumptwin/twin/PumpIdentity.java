package io.pumptwin.twin;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Who the twin mirrors, by pseudonymous ids only (no names, no contact data).
 *
 * @param manufacturedOn null when unknown; decides the pre-August-2011 battery advisory cohort
 */
public record PumpIdentity(String pumpSerial, String patientPseudonym, String clinicId, LocalDate manufacturedOn) {

    public PumpIdentity {
        Objects.requireNonNull(pumpSerial, "pumpSerial");
        Objects.requireNonNull(patientPseudonym, "patientPseudonym");
        Objects.requireNonNull(clinicId, "clinicId");
    }

    PumpIdentity reassigned(String patientPseudonym, String clinicId) {
        if (this.patientPseudonym.equals(patientPseudonym) && this.clinicId.equals(clinicId)) {
            return this;
        }
        return new PumpIdentity(pumpSerial, patientPseudonym, clinicId, manufacturedOn);
    }
}
