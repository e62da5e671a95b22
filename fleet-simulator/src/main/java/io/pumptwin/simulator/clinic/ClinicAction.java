package io.pumptwin.simulator.clinic;

import io.pumptwin.events.CatheterCheckMethod;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.simulator.patient.ClinicalPicture;

/**
 * Something scheduled to happen to one pump or patient at a simulated time: a clinic visit, a clinician's
 * decision, a late symptom report, or a fault a scenario injects. Times are on the simulation's step grid.
 */
public sealed interface ClinicAction {
    long atMillis();

    enum RefillKind { PLANNED, LOW_RESERVOIR_CALL, EMERGENCY, INJECTED }

    enum RefillError { NONE, POCKET_FILL, WRONG_CONCENTRATION }

    /** A refill visit; superseded (ignored) when a later scheduling bumped the pump's refill generation. */
    record RefillVisit(long atMillis, RefillKind kind, RefillError forcedError, boolean forcedMissed,
                       long generation) implements ClinicAction {
    }

    /** A symptom report reaching the clinic, late after the onset of what it describes. */
    record SymptomReportDue(long atMillis, ClinicalPicture picture, long onsetMillis, boolean spurious)
            implements ClinicAction {
    }

    /** A clinician reviewing a non-urgent report: adjust the dose, or investigate after futile increases. */
    record DoseReview(long atMillis, ClinicalPicture reported) implements ClinicAction {
    }

    /** The patient calls the clinic about the pump's own critical alarm, which no communicator relayed. */
    record AlarmCall(long atMillis) implements ClinicAction {
    }

    /** The patient seen within hours: interrogation, residual, catheter check as needed. */
    record EmergencyVisit(long atMillis, ClinicalPicture reported) implements ClinicAction {
    }

    record CatheterCheckVisit(long atMillis, CatheterCheckMethod method) implements ClinicAction {
    }

    /** Surgical catheter revision: ends any catheter fault. */
    record CatheterRevision(long atMillis) implements ClinicAction {
    }

    /** Pump replaced: this serial stops reporting. */
    record PumpReplacement(long atMillis) implements ClinicAction {
    }

    /** The clinic retracts the explant it recorded against this serial in error (its telemetry event id). */
    record WrongExplantRetraction(long atMillis, String explantEventId) implements ClinicAction {
    }

    /** A scenario's forced fault onset. */
    record InjectedFault(long atMillis, TrueFaultKind fault, boolean permanent) implements ClinicAction {
    }
}
