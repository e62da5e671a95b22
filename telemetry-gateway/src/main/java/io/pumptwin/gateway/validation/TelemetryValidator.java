package io.pumptwin.gateway.validation;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.CatheterCheckResult;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpExplant;
import io.pumptwin.events.PumpExplantRetraction;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.gateway.validation.Rejection.Code;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks one well-typed telemetry event against DOMAIN.md. Pure: the clock reading is passed in, so
 * the same event and the same {@code now} always give the same answer. It returns every rejection
 * it finds (not only the first), so a device developer fixes a payload in one round trip.
 *
 * <p>What it deliberately does not refuse: a pump alarm whose {@code critical} flag disagrees with
 * its kind. The kind is what the twin acts on; refusing a motor-stall alarm over a redundant flag
 * would hide the most urgent thing a pump can say.
 */
public final class TelemetryValidator {
  /**
   * Identifiers are pseudonymous codes. Spaces are not allowed, which also keeps free-text names
   * ("Jane Doe") out of the key fields (DOMAIN.md: no names in events).
   */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  private static final int MAX_DETAIL_CHARS = 500;
  /** Modified Ashworth scale runs 0 to 4 (1+ encoded as 1.5). */
  private static final double ASHWORTH_MAX = 4.0;
  /** Battery voltage of the pump's lithium cell is about 3 V; 10 V is a safe upper bound. */
  private static final double MAX_BATTERY_VOLTAGE_V = 10.0;

  private final ValidationRules rules;

  public TelemetryValidator(ValidationRules rules) {
    this.rules = rules;
  }

  public List<Rejection> validate(TelemetryEnvelope event, Instant now) {
    List<Rejection> out = new ArrayList<>();
    checkEventId(event.getEventId(), out);
    checkIdentifier("pumpSerial", event.getPumpSerial(), out);
    checkIdentifier("patientPseudonym", event.getPatientPseudonym(), out);
    checkIdentifier("clinicId", event.getClinicId(), out);
    checkEventTime("eventTime", event.getEventTime(), now, out);
    if (event.getSequence() < 0) {
      out.add(Rejection.of("sequence", Code.OUT_OF_RANGE,
          "must be >= 0, got " + event.getSequence()));
    }
    Object payload = event.getPayload();
    if (payload instanceof StatusReport s) {
      checkStatus(s, out);
    } else if (payload instanceof PumpAlarm a) {
      checkAlarm(a, out);
    } else if (payload instanceof RefillRecord r) {
      checkRefill(r, out);
    } else if (payload instanceof PrescriptionChange p) {
      checkPrescription(p, out);
    } else if (payload instanceof SymptomReport s) {
      checkSymptoms(s, event.getEventTime(), now, out);
    } else if (payload instanceof CatheterCheck c) {
      checkCatheter(c, out);
    } else if (payload instanceof PumpExplant x) {
      checkExplant(x, event, out);
    } else if (payload instanceof PumpExplantRetraction r) {
      checkExplantRetraction(r, event, out);
    } else {
      out.add(Rejection.of("payload", Code.WRONG_TYPE, "unknown payload type "
          + (payload == null ? "null" : payload.getClass().getSimpleName())));
    }
    return List.copyOf(out);
  }

  private static void checkEventId(String eventId, List<Rejection> out) {
    try {
      UUID.fromString(eventId);
      if (eventId.length() != 36) {
        throw new IllegalArgumentException("not canonical");
      }
    } catch (IllegalArgumentException e) {
      out.add(Rejection.of("eventId", Code.WRONG_TYPE,
          "must be a UUID in canonical 8-4-4-4-12 form, got '" + clip(eventId) + "'"));
    }
  }

  private static void checkIdentifier(String field, String value, List<Rejection> out) {
    if (!IDENTIFIER.matcher(value).matches()) {
      out.add(Rejection.of(field, Code.WRONG_TYPE, "must be a pseudonymous code of 1-64 letters,"
          + " digits or . _ : - (no spaces, no names)"));
    }
  }

  private void checkEventTime(String field, Instant time, Instant now, List<Rejection> out) {
    if (time.isAfter(now.plus(rules.maxFutureSkew()))) {
      out.add(Rejection.of(field, Code.OUT_OF_RANGE, "is " + time + ", more than "
          + rules.maxFutureSkew() + " ahead of the gateway clock (" + now + "): check the device clock"));
    } else if (time.isBefore(now.minus(rules.maxAge()))) {
      out.add(Rejection.of(field, Code.OUT_OF_RANGE, "is " + time + ", older than the accepted "
          + rules.maxAge().toDays() + " days"));
    }
  }

  private void checkStatus(StatusReport s, List<Rejection> out) {
    boolean capacityKnown = checkCapacity("payload.reservoirCapacityMl", s.getReservoirCapacityMl(), out);
    if (capacityKnown) {
      checkVolume("payload.pumpComputedReservoirMl", s.getPumpComputedReservoirMl(),
          s.getReservoirCapacityMl(), out);
      checkVolume("payload.lowReservoirAlarmMl", s.getLowReservoirAlarmMl(),
          s.getReservoirCapacityMl(), out);
    }
    checkConcentration("payload.concentrationMcgPerMl", s.getConcentrationMcgPerMl(), out);
    checkDose("payload.doseMcgPerDay", s.getDoseMcgPerDay(), s.getInfusionMode(), out);
    checkRange("payload.batteryRemainingPercent", s.getBatteryRemainingPercent(), 0, 100, "%", out);
    if (s.getBatteryVoltageV() != null) {
      checkRange("payload.batteryVoltageV", s.getBatteryVoltageV(), 0, MAX_BATTERY_VOLTAGE_V, "V", out);
    }
  }

  private static void checkAlarm(PumpAlarm a, List<Rejection> out) {
    if (a.getDetail() != null && a.getDetail().length() > MAX_DETAIL_CHARS) {
      out.add(Rejection.of("payload.detail", Code.OUT_OF_RANGE,
          "at most " + MAX_DETAIL_CHARS + " characters, got " + a.getDetail().length()));
    }
  }

  private void checkRefill(RefillRecord r, List<Rejection> out) {
    int capacity = r.getReservoirCapacityMl();
    if (checkCapacity("payload.reservoirCapacityMl", capacity, out)) {
      checkVolume("payload.expectedResidualMl", r.getExpectedResidualMl(), capacity, out);
      checkVolume("payload.measuredResidualMl", r.getMeasuredResidualMl(), capacity, out);
      checkVolume("payload.filledVolumeMl", r.getFilledVolumeMl(), capacity, out);
      checkVolume("payload.lowReservoirAlarmMl", r.getLowReservoirAlarmMl(), capacity, out);
    }
    checkConcentration("payload.concentrationMcgPerMl", r.getConcentrationMcgPerMl(), out);
    if (r.getProgrammedConcentrationMcgPerMl() != null) {
      // A programmed concentration that differs from the drug filled is a programming error the
      // twin must see (DOMAIN.md, refill errors), so only the value itself is checked here.
      checkConcentration("payload.programmedConcentrationMcgPerMl",
          r.getProgrammedConcentrationMcgPerMl(), out);
    }
    checkDose("payload.doseMcgPerDay", r.getDoseMcgPerDay(), null, out);
  }

  private void checkPrescription(PrescriptionChange p, List<Rejection> out) {
    checkDose("payload.previousDoseMcgPerDay", p.getPreviousDoseMcgPerDay(), InfusionMode.MINIMUM_RATE, out);
    checkDose("payload.newDoseMcgPerDay", p.getNewDoseMcgPerDay(), p.getInfusionMode(), out);
    checkConcentration("payload.concentrationMcgPerMl", p.getConcentrationMcgPerMl(), out);
  }

  private void checkSymptoms(SymptomReport s, Instant eventTime, Instant now, List<Rejection> out) {
    if (s.getSymptoms().isEmpty()) {
      out.add(Rejection.of("payload.symptoms", Code.MISSING_FIELD, "must name at least one symptom"));
    }
    if (s.getSpasticityAshworth() != null) {
      checkRange("payload.spasticityAshworth", s.getSpasticityAshworth(), 0, ASHWORTH_MAX, "", out);
    }
    Instant onset = s.getOnsetTime();
    if (onset != null) {
      if (onset.isAfter(eventTime)) {
        out.add(Rejection.of("payload.onsetTime", Code.INCONSISTENT,
            "symptom onset " + onset + " is after the event time " + eventTime));
      } else {
        checkEventTime("payload.onsetTime", onset, now, out);
      }
    }
  }

  private static void checkCatheter(CatheterCheck c, List<Rejection> out) {
    if (c.getResult() == CatheterCheckResult.FAULT_FOUND && c.getFaultKind() == null) {
      out.add(Rejection.of("payload.faultKind", Code.MISSING_FIELD,
          "required when result is FAULT_FOUND (use UNKNOWN if the kind was not determined)"));
    }
    if (c.getResult() != CatheterCheckResult.FAULT_FOUND && c.getFaultKind() != null) {
      out.add(Rejection.of("payload.faultKind", Code.INCONSISTENT,
          "must be absent when result is " + c.getResult()));
    }
  }

  /**
   * An explant retires the pump's twin for good: every open alert on the serial closes and none opens again. So it
   * is taken only from where an explant is recorded, the clinic (the clinician programmer, or a clinic system as
   * OTHER; the simulator's own source for tests): a home communicator or the patient's therapy manager cannot
   * witness one, and an explant wrongly sent from them would silence a pump still in a patient.
   */
  private static void checkExplant(PumpExplant x, TelemetryEnvelope event, List<Rejection> out) {
    TelemetrySource source = event.getSource();
    if (source == TelemetrySource.HOME_COMMUNICATOR || source == TelemetrySource.PATIENT_THERAPY_MANAGER) {
      out.add(Rejection.of("source", Code.INCONSISTENT, "an explant is recorded by the clinic"
          + " (CLINICIAN_PROGRAMMER, or OTHER for a clinic system), not by a " + source));
    }
    String replacement = x.getReplacementPumpSerial();
    if (replacement != null) {
      checkIdentifier("payload.replacementPumpSerial", replacement, out);
      if (replacement.equals(event.getPumpSerial())) {
        out.add(Rejection.of("payload.replacementPumpSerial", Code.INCONSISTENT,
            "is the explanted pump's own serial: a pump cannot replace itself"));
      }
      if (x.getReason() == ExplantReason.THERAPY_DISCONTINUED) {
        out.add(Rejection.of("payload.replacementPumpSerial", Code.INCONSISTENT,
            "must be absent when reason is THERAPY_DISCONTINUED (no pump replaces it)"));
      }
    }
  }

  /**
   * A retraction brings a retired twin back to monitoring: its alerts open again. The clinic that recorded the explant
   * is the one that can say it was recorded against the wrong serial, so the same sources as the explant's; and it
   * must name the explant it withdraws by that event's id (a UUID, as the gateway took it), since the twin undoes
   * only the explant it holds and a retraction naming nothing would be silently a no-op.
   */
  private static void checkExplantRetraction(PumpExplantRetraction r, TelemetryEnvelope event,
      List<Rejection> out) {
    TelemetrySource source = event.getSource();
    if (source == TelemetrySource.HOME_COMMUNICATOR || source == TelemetrySource.PATIENT_THERAPY_MANAGER) {
      out.add(Rejection.of("source", Code.INCONSISTENT, "an explant's retraction is recorded by the clinic"
          + " (CLINICIAN_PROGRAMMER, or OTHER for a clinic system), not by a " + source));
    }
    String retracted = r.getRetractedEventId();
    if (retracted == null || retracted.isBlank()) {
      out.add(Rejection.of("payload.retractedEventId", Code.MISSING_FIELD,
          "must name the eventId of the PUMP_EXPLANT event it retracts"));
      return;
    }
    try {
      UUID.fromString(retracted);
      if (retracted.length() != 36) {
        throw new IllegalArgumentException("not canonical");
      }
    } catch (IllegalArgumentException e) {
      out.add(Rejection.of("payload.retractedEventId", Code.WRONG_TYPE, "must be the eventId of the PUMP_EXPLANT"
          + " event it retracts, a UUID in canonical 8-4-4-4-12 form, got '" + clip(retracted) + "'"));
      return;
    }
    if (retracted.equals(event.getEventId())) {
      out.add(Rejection.of("payload.retractedEventId", Code.INCONSISTENT,
          "is this event's own eventId: a retraction names the earlier PUMP_EXPLANT event"));
    }
  }

  private boolean checkCapacity(String field, int capacityMl, List<Rejection> out) {
    if (!rules.reservoirCapacitiesMl().contains(capacityMl)) {
      out.add(Rejection.of(field, Code.OUT_OF_RANGE, "must be one of the pump models "
          + sorted(rules.reservoirCapacitiesMl()) + " mL, got " + capacityMl));
      return false;
    }
    return true;
  }

  private static void checkVolume(String field, double ml, int capacityMl, List<Rejection> out) {
    checkRange(field, ml, 0, capacityMl, "mL (reservoir of " + capacityMl + " mL)", out);
  }

  private void checkConcentration(String field, double mcgPerMl, List<Rejection> out) {
    if (!rules.concentrationsMcgPerMl().contains(mcgPerMl)) {
      out.add(Rejection.of(field, Code.OUT_OF_RANGE, "must be a baclofen concentration in use "
          + sorted(rules.concentrationsMcgPerMl()) + " mcg/mL, got " + mcgPerMl));
    }
  }

  /**
   * After a reset the pump falls back to a minimal rate (DOMAIN.md): the programmed dose can then be
   * far below the therapeutic range, and that report is exactly what the twin must receive.
   */
  private void checkDose(String field, double mcgPerDay, InfusionMode mode, List<Rejection> out) {
    double min = mode == InfusionMode.MINIMUM_RATE ? 0.0 : rules.minDoseMcgPerDay();
    checkRange(field, mcgPerDay, min, rules.maxDoseMcgPerDay(), "mcg/day", out);
  }

  private static void checkRange(String field, double value, double min, double max, String unit,
      List<Rejection> out) {
    if (!Double.isFinite(value) || value < min || value > max) {
      out.add(Rejection.of(field, Code.OUT_OF_RANGE,
          "must be within " + fmt(min) + ".." + fmt(max) + " " + unit + ", got " + fmt(value)));
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Double.isFinite(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static <T extends Comparable<T>> List<T> sorted(java.util.Collection<T> values) {
    return values.stream().sorted().toList();
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
