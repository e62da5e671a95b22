package io.pumptwin.replay.report;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How early refill-due alerts come: for each REFILL_DUE alert, the time from its opening to its
 * resolution. The twin clears REFILL_DUE at the refill visit (the residual is aspirated and the
 * reservoir filled), so this is the warning the clinic had before the refill actually happened.
 * Alerts still open at the end of the range have no lead time yet and are not counted.
 */
public final class RefillLeadTimes {
  public record Lead(String alertId, String pump, Instant opened, Instant refilled) {
    public Duration lead() {
      return Duration.between(opened, refilled);
    }
  }

  private RefillLeadTimes() {}

  public static List<Lead> of(List<AlertEvent> alerts) {
    Map<String, Instant> opened = new HashMap<>();
    List<Lead> leads = new ArrayList<>();
    for (AlertEvent a : alerts) {
      if (a.getAlertType() != AlertType.REFILL_DUE) {
        continue;
      }
      if (a.getTransition() == AlertTransition.OPENED) {
        opened.put(a.getAlertId(), a.getEventTime());
      } else if (a.getTransition() == AlertTransition.RESOLVED && opened.containsKey(a.getAlertId())) {
        leads.add(new Lead(a.getAlertId(), a.getPumpSerial(), opened.remove(a.getAlertId()), a.getEventTime()));
      }
    }
    return leads;
  }
}
