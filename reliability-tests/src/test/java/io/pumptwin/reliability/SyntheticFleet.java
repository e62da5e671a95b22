package io.pumptwin.reliability;

import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fixed fleet history that makes the twins and alerting work: every pump reports every two hours
 * and runs low (refill due, then urgent); every 84 hours each pump is refilled, and odd pumps then
 * show a residual far above the expected one (a catheter that stopped delivering, DOMAIN.md),
 * which raises catheter events; pump 0 falls silent a third of the way in (a stream-time event). Event ids are derived from
 * pump and slot, so a run's input is the same whenever it is generated.
 *
 * @param pumps number of pumps
 * @param slots reports per pump, one every {@link #SLOT}
 * @param start event time of the first slot (the gateway refuses events more than 400 days old)
 */
record SyntheticFleet(String serialPrefix, int pumps, int slots, Instant start) {
  /** Two hours between reports: a few days of history, long enough for a pump to count as silent. */
  static final Duration SLOT = Duration.ofHours(2);
  /** 2000 mcg/day of 500 mcg/mL baclofen: 4 mL a day, so a refill is due within days (DOMAIN.md). */
  static final double ML_PER_DAY = 4.0;
  static final double FILL_ML = 18.0;
  /** Refilled every 84 hours, at 4 mL left of 18: late enough for refill-due and urgent events. */
  static final int REFILL_EVERY_SLOTS = 42;

  /** A history ending a few hours before now: every event is inside the gateway's time window. */
  static SyntheticFleet endingNow(String serialPrefix, int pumps, int slots) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(SLOT.multipliedBy(slots + 2L));
    return new SyntheticFleet(serialPrefix, pumps, slots, start);
  }

  String serial(int pump) {
    return String.format("%s%05d", serialPrefix, pump);
  }

  /** The events of one slot, one per reporting pump. */
  List<TelemetryEnvelope> slot(int slot) {
    List<TelemetryEnvelope> events = new ArrayList<>();
    for (int p = 0; p < pumps; p++) {
      if (p == 0 && slot > slots / 3) {
        continue; // pump 0 falls silent
      }
      events.add(event(p, slot));
    }
    return events;
  }

  List<TelemetryEnvelope> all() {
    List<TelemetryEnvelope> events = new ArrayList<>();
    for (int s = 0; s < slots; s++) {
      events.addAll(slot(s));
    }
    return events;
  }

  private TelemetryEnvelope event(int p, int slot) {
    Instant at = start.plus(SLOT.multipliedBy(slot)).plusSeconds(p);
    Object payload;
    double mlPerSlot = SLOT.toMinutes() / (24.0 * 60) * ML_PER_DAY;
    int lastRefill = slot - slot % REFILL_EVERY_SLOTS;
    if (slot == lastRefill) {
      double expected = slot == 0 ? 2.0 : FILL_ML - REFILL_EVERY_SLOTS * mlPerSlot;
      double measured = slot == 0 ? 2.0 : p % 2 == 1 ? expected + 6 : expected;
      payload = RefillRecord.newBuilder().setExpectedResidualMl(expected).setMeasuredResidualMl(measured)
          .setFilledVolumeMl(FILL_ML).setReservoirCapacityMl(20).setConcentrationMcgPerMl(500)
          .setDoseMcgPerDay(2000).setLowReservoirAlarmMl(2.0).setProgrammedConcentrationMcgPerMl(null)
          .setPocketFillSuspected(false).build();
    } else {
      double sinceFill = (slot - lastRefill) * mlPerSlot;
      payload = StatusReport.newBuilder().setPumpComputedReservoirMl(Math.max(0, FILL_ML - sinceFill))
          .setReservoirCapacityMl(20).setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(500)
          .setDoseMcgPerDay(2000).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
          .setBatteryRemainingPercent(80).setBatteryVoltageV(null).setActiveAlarms(List.of())
          .setManufacturedOn(null).build();
    }
    String id = UUID.nameUUIDFromBytes((serial(p) + "/" + slot + "/" + start)
        .getBytes(StandardCharsets.UTF_8)).toString();
    return TelemetryEnvelope.newBuilder().setEventId(id).setPumpSerial(serial(p))
        .setPatientPseudonym("pt-" + serialPrefix.toLowerCase() + "-" + p)
        .setClinicId("clinic-" + (p % 2)).setEventTime(at).setSequence(slot)
        .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null).setPayload(payload)
        .build();
  }
}
