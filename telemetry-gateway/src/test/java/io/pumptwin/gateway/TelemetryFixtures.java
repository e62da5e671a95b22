package io.pumptwin.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.gateway.json.TelemetryJson;
import java.time.Instant;
import java.util.UUID;

/** Well-formed telemetry events in the gateway's JSON form; tests break one thing at a time. */
public final class TelemetryFixtures {
  public static final ObjectMapper JSON = new ObjectMapper();

  private TelemetryFixtures() {}

  public static ObjectNode envelope(String pump, long sequence, Instant eventTime, ObjectNode payload) {
    ObjectNode e = JSON.createObjectNode();
    e.put("eventId", UUID.randomUUID().toString());
    e.put("pumpSerial", pump);
    e.put("patientPseudonym", "p-" + pump.toLowerCase());
    e.put("clinicId", "clinic-7");
    e.put("eventTime", TelemetryJson.formatTime(eventTime));
    e.put("sequence", sequence);
    e.put("source", "HOME_COMMUNICATOR");
    e.set("payload", payload);
    return e;
  }

  public static ObjectNode status(String pump, long sequence, Instant eventTime) {
    return envelope(pump, sequence, eventTime, statusPayload());
  }

  /** 40 mL pump at 2000 mcg/mL delivering 500 mcg/day: 0.25 mL/day (DOMAIN.md's example). */
  public static ObjectNode statusPayload() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "STATUS_REPORT");
    p.put("pumpComputedReservoirMl", 12.5);
    p.put("reservoirCapacityMl", 40);
    p.put("lowReservoirAlarmMl", 2.0);
    p.put("concentrationMcgPerMl", 2000);
    p.put("doseMcgPerDay", 500);
    p.put("infusionMode", "SIMPLE_CONTINUOUS");
    p.put("batteryRemainingPercent", 71.0);
    p.putArray("activeAlarms");
    return p;
  }

  public static ObjectNode alarmPayload() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "PUMP_ALARM");
    p.put("kind", "MOTOR_STALL");
    p.put("critical", true);
    return p;
  }

  public static ObjectNode refillPayload() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "REFILL");
    p.put("expectedResidualMl", 3.1);
    p.put("measuredResidualMl", 2.8);
    p.put("filledVolumeMl", 36.0);
    p.put("reservoirCapacityMl", 40);
    p.put("concentrationMcgPerMl", 1000);
    p.put("doseMcgPerDay", 450);
    return p;
  }

  public static ObjectNode prescriptionPayload() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "PRESCRIPTION_CHANGE");
    p.put("previousDoseMcgPerDay", 450);
    p.put("newDoseMcgPerDay", 500);
    p.put("concentrationMcgPerMl", 1000);
    p.put("infusionMode", "FLEXIBLE");
    p.put("reason", "SPASTICITY_NOT_CONTROLLED");
    return p;
  }

  public static ObjectNode symptomPayload(Instant onset) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "SYMPTOM_REPORT");
    p.putArray("symptoms").add("SPASTICITY_RETURN").add("PRURITUS");
    p.put("spasticityAshworth", 2.0);
    p.put("reporter", "CAREGIVER");
    p.put("onsetTime", TelemetryJson.formatTime(onset));
    return p;
  }

  /** The clinic replaced the pump after its ERI; send it with a clinic source ({@link #fromClinic}). */
  public static ObjectNode explantPayload() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "PUMP_EXPLANT");
    p.put("reason", "ELECTIVE_REPLACEMENT");
    p.put("replacementPumpSerial", "NGP-REPLACEMENT-1");
    return p;
  }

  /** The clinic withdraws the explant {@code explantEventId}, recorded against the wrong serial. */
  public static ObjectNode explantRetractionPayload(String explantEventId) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "PUMP_EXPLANT_RETRACTION");
    p.put("retractedEventId", explantEventId);
    p.put("reason", "WRONG_SERIAL");
    return p;
  }

  /** The event as the clinician programmer sends it (the fixtures' default source is the home communicator). */
  public static ObjectNode fromClinic(ObjectNode event) {
    return event.put("source", "CLINICIAN_PROGRAMMER");
  }

  public static ObjectNode catheterPayload() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "CATHETER_CHECK");
    p.put("method", "DYE_STUDY");
    p.put("result", "FAULT_FOUND");
    p.put("faultKind", "KINK");
    return p;
  }
}
