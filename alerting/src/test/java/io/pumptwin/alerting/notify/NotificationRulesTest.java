package io.pumptwin.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationRulesTest {
  static AlertEvent alert(AlertTransition transition, Severity severity) {
    return alert(transition, severity, Instant.parse("2026-03-01T08:00:00Z"));
  }

  static AlertEvent alert(AlertTransition transition, Severity severity, Instant t) {
    return alert(transition, severity, t, null);
  }

  static AlertEvent alert(AlertTransition transition, Severity severity, Instant t, String reason) {
    return AlertEvent.newBuilder().setReason(reason).setAlertId("SN-1:REFILL_DUE:1").setPumpSerial("SN-1")
        .setPatientPseudonym("P-1").setClinicId("clinic-a").setAlertType(AlertType.REFILL_DUE)
        .setTransition(transition).setStatus(AlertStatus.OPEN).setSeverity(severity)
        .setRiskLevel(RiskLevel.LIKELY).setEventTime(t).setOpenedAt(t).setEscalationLevel(0)
        .setHeadline("Refill due").setEvidence(List.of()).setTwinValues(Map.of()).build();
  }

  @Test
  void openingEscalatingAndRenotifyingPagePeopleAcknowledgingDoesNot() {
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.OPENED, Severity.LOW), null)).isTrue();
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.ESCALATED, Severity.HIGH), Severity.HIGH)).isTrue();
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.RENOTIFIED, Severity.HIGH), Severity.HIGH)).isTrue();
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.ACKNOWLEDGED, Severity.HIGH), Severity.HIGH)).isFalse();
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.RESOLVED, Severity.HIGH), Severity.HIGH)).isFalse();
  }

  @Test
  void anUpdateIsNewsOnlyWhenTheSeverityRoseAboveWhatWasNotified() {
    // The louder refill-due: LOW was not paged (below the clinic minimum), MEDIUM is.
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.UPDATED, Severity.MEDIUM), null)).isTrue();
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.UPDATED, Severity.MEDIUM), Severity.LOW)).isTrue();
    assertThat(NotificationDispatcher.notifies(alert(AlertTransition.UPDATED, Severity.MEDIUM), Severity.MEDIUM)).isFalse();
  }

  @Test
  void notificationIdsAreStableForTheSameTransitionAndDifferPerRecipientAndDeadline() {
    AlertEvent a = alert(AlertTransition.RENOTIFIED, Severity.HIGH);
    AlertEvent later = alert(AlertTransition.RENOTIFIED, Severity.HIGH,
        a.getEventTime().plus(Duration.ofMinutes(30)));
    assertThat(NotificationDispatcher.notificationId(a, "r1")).isEqualTo(NotificationDispatcher.notificationId(a, "r1"));
    assertThat(NotificationDispatcher.notificationId(a, "r1")).isNotEqualTo(NotificationDispatcher.notificationId(a, "r2"));
    assertThat(NotificationDispatcher.notificationId(a, "r1")).isNotEqualTo(NotificationDispatcher.notificationId(later, "r1"));
  }

  @Test
  void backoffGrowsExponentiallyUpToItsCap() {
    RetryPolicy p = new RetryPolicy(6, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5));
    assertThat(List.of(p.backoffAfter(1), p.backoffAfter(2), p.backoffAfter(3), p.backoffAfter(4)))
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5));
  }

  @Test
  void theSignatureDependsOnSecretTimestampAndBody() {
    String s = WebhookChannel.signature("k", 100, "{}");
    assertThat(s).startsWith("t=100,v1=").hasSize("t=100,v1=".length() + 64);
    assertThat(s).isNotEqualTo(WebhookChannel.signature("k", 101, "{}"))
        .isNotEqualTo(WebhookChannel.signature("k2", 100, "{}"))
        .isNotEqualTo(WebhookChannel.signature("k", 100, "{ }"));
  }

  @Test
  void anOpeningTheLifecycleHeldBackIsNotPagedButOtherTransitionsOfItAre() {
    String reason = io.pumptwin.alerting.lifecycle.FlappingPolicy.NOT_PAGED + "re-raised 40 min after";
    Instant t = Instant.parse("2026-03-01T08:00:00Z");
    AlertEvent flapped = alert(AlertTransition.OPENED, Severity.MEDIUM, t, reason);
    assertThat(NotificationDispatcher.heldBack(flapped)).isTrue();
    assertThat(NotificationDispatcher.heldBack(alert(AlertTransition.OPENED, Severity.MEDIUM))).isFalse();
    AlertEvent renotified = alert(AlertTransition.RENOTIFIED, Severity.MEDIUM, t, reason);
    assertThat(NotificationDispatcher.heldBack(renotified)).isFalse();
  }
}
