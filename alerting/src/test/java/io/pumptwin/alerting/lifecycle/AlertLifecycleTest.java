package io.pumptwin.alerting.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEventTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  final AlertLifecycle lifecycle =
      new AlertLifecycle(SeverityPolicy.defaults(), EscalationPolicy.defaults());

  static TwinSignal signal(AlertType type, TwinEventTransition change, RiskLevel level,
      double dose, Instant at) {
    return new TwinSignal("ev-" + at.toEpochMilli(), "SN-1", "P-1", "clinic-a", at, type, change,
        level, type + " " + level, null, dose,
        List.of(new EvidenceItem("MOTOR_STALL", at, "motor stall logged", 1.0, "tel-1")),
        Map.of("doseMcgPerDay", dose, "hoursSinceDeliveryStopped", 2.0));
  }

  static StaffCommand command(AlertAction action, StaffRole role, Instant at, Instant until) {
    return new StaffCommand("cmd-" + at.toEpochMilli(), "SN-1",
        AlertType.UNDERDOSE_WITHDRAWAL_RISK, action, "nurse-7", role, "clinic-a", "on it", until, at);
  }

  Alert openCritical() {
    Step opened = lifecycle.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 600, T0));
    return opened.alert();
  }

  @Test
  void aStoppedHighDosePumpOpensACriticalAlertWithItsEvidence() {
    Step step = lifecycle.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 600, T0));

    assertThat(step.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.OPENED);
      assertThat(c.alert().severity()).isEqualTo(Severity.CRITICAL);
      assertThat(c.alert().status()).isEqualTo(AlertStatus.OPEN);
      assertThat(c.alert().evidence()).extracting(EvidenceItem::kind).containsExactly("MOTOR_STALL");
      assertThat(c.alert().twinValues()).containsEntry("hoursSinceDeliveryStopped", 2.0);
      assertThat(c.alert().alertId()).isEqualTo("SN-1:UNDERDOSE_WITHDRAWAL_RISK:" + T0.toEpochMilli());
    });
    assertThat(step.alert().nextActionAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
  }

  @Test
  void theSameUrgentRiskAtALowDoseIsHighNotCritical() {
    Step step = lifecycle.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 150, T0));
    assertThat(step.alert().severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void aRepeatedCrossingWithTheSameLevelNeitherReopensNorNotifies() {
    Alert open = openCritical();
    Step again = lifecycle.onSignal(open, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 600, T0.plusSeconds(60)));
    Step updatedSame = lifecycle.onSignal(open, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.UPDATED, RiskLevel.URGENT, 600, T0.plusSeconds(120)));

    assertThat(again.changes()).isEmpty();
    assertThat(again.alert()).isEqualTo(open);
    assertThat(updatedSame.changes()).isEmpty();
  }

  @Test
  void unacknowledgedAlertIsRenotifiedThenEscalatedOnStreamTime() {
    Alert open = openCritical();

    Step before = lifecycle.onTime(open, T0.plus(Duration.ofMinutes(14)));
    assertThat(before.changes()).isEmpty();

    Step at15 = lifecycle.onTime(open, T0.plus(Duration.ofMinutes(15)));
    assertThat(at15.changes()).extracting(AlertChange::transition)
        .containsExactly(AlertTransition.RENOTIFIED);

    Step at30 = lifecycle.onTime(at15.alert(), T0.plus(Duration.ofMinutes(30)));
    assertThat(at30.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.ESCALATED);
      assertThat(c.alert().escalationLevel()).isEqualTo(1);
      assertThat(c.alert().status()).isEqualTo(AlertStatus.ESCALATED);
      assertThat(c.eventTime()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    });
  }

  @Test
  void deadlinesMissedTogetherBecomeOneTransitionStampedWithTheLastDeadline() {
    Alert open = openCritical();
    Step late = lifecycle.onTime(open, T0.plus(Duration.ofMinutes(47)));

    // 15 min re-notify, 30 min escalate, 45 min re-notify at level 1: told once, where it stands.
    assertThat(late.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.ESCALATED);
      assertThat(c.eventTime()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
      assertThat(c.alert().escalationLevel()).isEqualTo(1);
      assertThat(c.reason()).contains("3 deadlines");
    });
    assertThat(late.alert().nextActionAt()).isEqualTo(T0.plus(Duration.ofMinutes(60)));
  }

  @Test
  void howOftenTheSweepRunsDoesNotChangeWhereTheAlertEndsUp() {
    Alert once = lifecycle.onTime(openCritical(), T0.plus(Duration.ofMinutes(100))).alert();
    Alert stepwise = openCritical();
    for (int minute = 1; minute <= 100; minute++) {
      stepwise = lifecycle.onTime(stepwise, T0.plus(Duration.ofMinutes(minute))).alert();
    }
    assertThat(stepwise).isEqualTo(once);
  }

  @Test
  void escalationStopsAtTheTopOfTheChainAndKeepsRenotifying() {
    Alert a = openCritical();
    a = lifecycle.onTime(a, T0.plus(Duration.ofHours(3))).alert();
    a = lifecycle.onTime(a, T0.plus(Duration.ofHours(6))).alert();
    assertThat(a.escalationLevel()).isEqualTo(3);
    assertThat(a.nextActionAt()).isAfter(T0.plus(Duration.ofHours(6)));
  }

  @Test
  void acknowledgingStopsEscalation() {
    Alert open = openCritical();
    Step ack = lifecycle.onCommand(open,
        command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, T0.plusSeconds(300), null));

    assertThat(ack.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.ACKNOWLEDGED);
      assertThat(c.actor()).isEqualTo("nurse-7");
      assertThat(c.reason()).isEqualTo("on it");
    });
    Step later = lifecycle.onTime(ack.alert(), T0.plus(Duration.ofDays(2)));
    assertThat(later.changes()).isEmpty();
    assertThat(later.alert().status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
  }

  @Test
  void aRepeatedAcknowledgementChangesNothing() {
    Alert acked = lifecycle.onCommand(openCritical(),
        command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, T0.plusSeconds(300), null)).alert();
    Step again = lifecycle.onCommand(acked,
        command(AlertAction.ACKNOWLEDGE, StaffRole.ADMIN, T0.plusSeconds(400), null));
    assertThat(again.changes()).isEmpty();
  }

  @Test
  void viewersCannotAcknowledge() {
    Alert open = openCritical();
    Step step = lifecycle.onCommand(open,
        command(AlertAction.ACKNOWLEDGE, StaffRole.VIEWER, T0.plusSeconds(300), null));
    assertThat(step.rejected()).hasValueSatisfying(r -> assertThat(r).contains("VIEWER"));
    assertThat(step.changes()).isEmpty();
    assertThat(step.alert()).isEqualTo(open);
  }

  @Test
  void anotherClinicCannotAct() {
    Alert open = openCritical();
    StaffCommand foreign = new StaffCommand("c", "SN-1", AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        AlertAction.ACKNOWLEDGE, "nurse-9", StaffRole.ADMIN, "clinic-b", null, null, T0);
    assertThat(lifecycle.onCommand(open, foreign).rejected()).isPresent();
  }

  @Test
  void aCommandForNoOpenAlertIsRefused() {
    Step step = lifecycle.onCommand(null,
        command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, T0, null));
    assertThat(step.rejected()).hasValueSatisfying(r -> assertThat(r).contains("no open"));
  }

  @Test
  void aSilenceHoldsNotificationsUntilItEndsThenTheAlertIsRenotified() {
    Alert open = lifecycle.onSignal(null, signal(AlertType.BATTERY_ERI,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 300, T0)).alert();
    assertThat(open.severity()).isEqualTo(Severity.MEDIUM);
    Instant until = T0.plus(Duration.ofDays(1));
    Step silenced = lifecycle.onCommand(open, new StaffCommand("c1", "SN-1", AlertType.BATTERY_ERI,
        AlertAction.SILENCE, "nurse-7", StaffRole.ON_CALL, "clinic-a", "replacement booked",
        until, T0.plusSeconds(60)));
    assertThat(silenced.changes()).extracting(AlertChange::transition)
        .containsExactly(AlertTransition.SILENCED);

    Step during = lifecycle.onTime(silenced.alert(), until.minusSeconds(1));
    assertThat(during.changes()).isEmpty();

    Step after = lifecycle.onTime(silenced.alert(), until);
    assertThat(after.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.RENOTIFIED);
      assertThat(c.alert().status()).isEqualTo(AlertStatus.OPEN);
    });
  }

  @Test
  void aSilenceWithoutAnEndIsRefused() {
    Step step = lifecycle.onCommand(openCritical(),
        command(AlertAction.SILENCE, StaffRole.ON_CALL, T0.plusSeconds(60), null));
    assertThat(step.rejected()).isPresent();
  }

  @Test
  void aCriticalRiskBreaksASilence() {
    Alert open = lifecycle.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.WATCH, 600, T0)).alert();
    Alert silenced = lifecycle.onCommand(open, command(AlertAction.SILENCE, StaffRole.ON_CALL,
        T0.plusSeconds(60), T0.plus(Duration.ofDays(3)))).alert();
    Step worse = lifecycle.onSignal(silenced, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.UPDATED, RiskLevel.URGENT, 600, T0.plus(Duration.ofHours(2))));

    assertThat(worse.alert().status()).isEqualTo(AlertStatus.OPEN);
    assertThat(worse.alert().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(worse.changes()).singleElement()
        .satisfies(c -> assertThat(c.reason()).contains("breaks the silence"));
  }

  @Test
  void aWorseRiskReopensAnAcknowledgedAlert() {
    Alert open = lifecycle.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.WATCH, 600, T0)).alert();
    Alert acked = lifecycle.onCommand(open,
        command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, T0.plusSeconds(60), null)).alert();
    Step worse = lifecycle.onSignal(acked, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.UPDATED, RiskLevel.URGENT, 600, T0.plus(Duration.ofHours(1))));

    assertThat(worse.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.UPDATED);
      assertThat(c.alert().status()).isEqualTo(AlertStatus.OPEN);
      assertThat(c.alert().alertId()).isEqualTo(open.alertId());
    });
    assertThat(worse.alert().nextActionAt()).isEqualTo(T0.plus(Duration.ofMinutes(75)));
  }

  @Test
  void theTwinClearingTheConditionResolvesTheAlert() {
    Step cleared = lifecycle.onSignal(openCritical(), signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.CLEARED, RiskLevel.NONE, 600, T0.plus(Duration.ofHours(1))));

    assertThat(cleared.alert()).isNull();
    assertThat(cleared.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.RESOLVED);
      assertThat(c.alert().status()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(c.actor()).isNull();
    });
  }

  @Test
  void aClearingForNoOpenAlertIsIgnored() {
    Step step = lifecycle.onSignal(null, signal(AlertType.REFILL_DUE,
        TwinEventTransition.CLEARED, RiskLevel.NONE, 300, T0));
    assertThat(step.changes()).isEmpty();
    assertThat(step.alert()).isNull();
  }

  @Test
  void aPersonCanResolve() {
    Step step = lifecycle.onCommand(openCritical(),
        command(AlertAction.RESOLVE, StaffRole.ADMIN, T0.plusSeconds(60), null));
    assertThat(step.alert()).isNull();
    assertThat(step.changes()).extracting(AlertChange::transition)
        .containsExactly(AlertTransition.RESOLVED);
  }

  @Test
  void lowSeverityAlertsAreShownButNobodyIsChased() {
    Alert refill = lifecycle.onSignal(null, signal(AlertType.REFILL_DUE,
        TwinEventTransition.RAISED, RiskLevel.WATCH, 300, T0)).alert();
    assertThat(refill.severity()).isEqualTo(Severity.LOW);
    assertThat(refill.nextActionAt()).isNull();
    assertThat(lifecycle.onTime(refill, T0.plus(Duration.ofDays(30))).changes()).isEmpty();
  }
}
