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

  /** A command applied when the alert clock reads the command's issue time (no lag, no skew). */
  Step onCommandWhenClockReadsIssueTime(Alert current, StaffCommand c) {
    return lifecycle.onCommand(current, c, c.issuedAt());
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
  void deadlinesMissedTogetherAreEachPublishedStampedWithTheirOwnDeadline() {
    Alert open = openCritical();
    Step late = lifecycle.onTime(open, T0.plus(Duration.ofMinutes(47)));

    // 15 min re-notify, 30 min escalate, 45 min re-notify at level 1: each as it would have been
    // published had the clock been read at every deadline (a replay must not depend on that).
    assertThat(late.changes()).extracting(AlertChange::transition).containsExactly(
        AlertTransition.RENOTIFIED, AlertTransition.ESCALATED, AlertTransition.RENOTIFIED);
    assertThat(late.changes()).extracting(AlertChange::eventTime).containsExactly(
        T0.plus(Duration.ofMinutes(15)), T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(45)));
    assertThat(late.changes()).extracting(c -> c.alert().escalationLevel()).containsExactly(0, 1, 1);
    assertThat(late.alert().nextActionAt()).isEqualTo(T0.plus(Duration.ofMinutes(60)));
  }

  @Test
  void howOftenTheSweepRunsDoesNotChangeTheTransitionsOrWhereTheAlertEndsUp() {
    Step once = lifecycle.onTime(openCritical(), T0.plus(Duration.ofMinutes(100)));
    Alert stepwise = openCritical();
    List<AlertChange> stepwiseChanges = new java.util.ArrayList<>();
    for (int minute = 1; minute <= 100; minute++) {
      Step step = lifecycle.onTime(stepwise, T0.plus(Duration.ofMinutes(minute)));
      stepwiseChanges.addAll(step.changes());
      stepwise = step.alert();
    }
    assertThat(stepwise).isEqualTo(once.alert());
    assertThat(stepwiseChanges).isEqualTo(once.changes());
    assertThat(once.changes()).hasSizeGreaterThan(4);
  }

  @Test
  void aDeadlineIsMetOneAtATime() {
    Step first = lifecycle.onDeadline(openCritical());
    assertThat(first.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.RENOTIFIED);
      assertThat(c.eventTime()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
      assertThat(c.reason()).isEqualTo("not acknowledged; notified again at level 0");
    });
    Step second = lifecycle.onDeadline(first.alert());
    assertThat(second.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.ESCALATED);
      assertThat(c.eventTime()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    });
    assertThat(second.alert().nextActionAt()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
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
    Step ack = onCommandWhenClockReadsIssueTime(open,
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
    Alert acked = onCommandWhenClockReadsIssueTime(openCritical(),
        command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, T0.plusSeconds(300), null)).alert();
    Step again = onCommandWhenClockReadsIssueTime(acked,
        command(AlertAction.ACKNOWLEDGE, StaffRole.ADMIN, T0.plusSeconds(400), null));
    assertThat(again.changes()).isEmpty();
  }

  @Test
  void viewersCannotAcknowledge() {
    Alert open = openCritical();
    Step step = onCommandWhenClockReadsIssueTime(open,
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
    assertThat(onCommandWhenClockReadsIssueTime(open, foreign).rejected()).isPresent();
  }

  @Test
  void aCommandForNoOpenAlertIsRefused() {
    Step step = onCommandWhenClockReadsIssueTime(null,
        command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, T0, null));
    assertThat(step.rejected()).hasValueSatisfying(r -> assertThat(r).contains("no open"));
  }

  @Test
  void aSilenceHoldsNotificationsUntilItEndsThenTheAlertIsRenotified() {
    Alert open = lifecycle.onSignal(null, signal(AlertType.BATTERY_ERI,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 300, T0)).alert();
    assertThat(open.severity()).isEqualTo(Severity.MEDIUM);
    Instant until = T0.plus(Duration.ofDays(1));
    Step silenced = onCommandWhenClockReadsIssueTime(open, new StaffCommand("c1", "SN-1", AlertType.BATTERY_ERI,
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
    Step step = onCommandWhenClockReadsIssueTime(openCritical(),
        command(AlertAction.SILENCE, StaffRole.ON_CALL, T0.plusSeconds(60), null));
    assertThat(step.rejected()).isPresent();
  }

  @Test
  void aCriticalRiskBreaksASilence() {
    Alert open = lifecycle.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.WATCH, 600, T0)).alert();
    Alert silenced = onCommandWhenClockReadsIssueTime(open, command(AlertAction.SILENCE, StaffRole.ON_CALL,
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
    Alert acked = onCommandWhenClockReadsIssueTime(open,
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
    Step step = onCommandWhenClockReadsIssueTime(openCritical(),
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

  // ------------------------------------------------------------------------------------------
  // Reminders at the top of the chain thin out (issue 6: 1,729 REFILL_URGENT re-notifications)

  /** Minutes after T0 of every transition the passage of time causes, sweeping every minute. */
  List<Long> chaseMinutes(Alert a, Duration over) {
    List<Long> at = new java.util.ArrayList<>();
    for (long minute = 1; minute <= over.toMinutes(); minute++) {
      Step step = lifecycle.onTime(a, T0.plus(Duration.ofMinutes(minute)));
      for (AlertChange c : step.changes()) {
        at.add(Duration.between(T0, c.eventTime()).toMinutes());
      }
      a = step.alert();
    }
    return at;
  }

  @Test
  void atTheTopOfTheChainCriticalRemindersDoubleUpToFourHoursAndNeverStop() {
    List<Long> at = chaseMinutes(openCritical(), Duration.ofDays(20));

    // 15/30 min up the chain to level 3 (90 min); then 15, 30, 60, 120 min, then every 4 h.
    assertThat(at.subList(0, 11)).containsExactly(15L, 30L, 45L, 60L, 75L, 90L, 105L, 135L, 195L,
        315L, 555L);
    assertThat(at.subList(10, at.size())).allSatisfy(m -> assertThat((m - 555) % 240).isZero());
    assertThat(at.get(at.size() - 1)).isGreaterThan(Duration.ofDays(20).minusHours(4).toMinutes());
    // 10 before the cap, then (28,800 - 555) / 240 = 117 more: 128 over 20 days, not 1,920.
    assertThat(at).hasSize(128);
  }

  @Test
  void atTheTopOfTheChainHighRemindersDoubleUpToTwelveHours() {
    Alert urgentRefill = lifecycle.onSignal(null, signal(AlertType.REFILL_URGENT,
        TwinEventTransition.RAISED, RiskLevel.LIKELY, 300, T0)).alert();
    assertThat(urgentRefill.severity()).isEqualTo(Severity.HIGH);

    List<Long> at = chaseMinutes(urgentRefill, Duration.ofDays(20));

    // 30 min/hourly up to level 2 (120 min); then 30 min, 1, 2, 4, 8 h, then every 12 h.
    assertThat(at.subList(0, 10)).containsExactly(30L, 60L, 90L, 120L, 150L, 210L, 330L, 570L,
        1050L, 1770L);
    assertThat(at.subList(8, at.size())).allSatisfy(m -> assertThat((m - 1050) % 720).isZero());
    // 9 before the cap, then (28,800 - 1,050) / 720 = 38 more: 47 over 20 days, not 960.
    assertThat(at).hasSize(47);
  }

  @Test
  void theReminderIntervalIsFixedBelowTheTopAndAtItForAFixedRule() {
    EscalationPolicy.Rule rule = EscalationPolicy.defaults().ruleFor(Severity.CRITICAL);
    assertThat(rule.intervalAfter(1, 5)).isEqualTo(Duration.ofMinutes(15));
    assertThat(rule.intervalAfter(3, 0)).isEqualTo(Duration.ofMinutes(15));
    assertThat(rule.intervalAfter(3, 3)).isEqualTo(Duration.ofMinutes(120));
    assertThat(rule.intervalAfter(3, 1_000)).isEqualTo(Duration.ofHours(4));
    EscalationPolicy.Rule fixed = new EscalationPolicy.Rule(Duration.ofMinutes(20), 1, 1);
    assertThat(fixed.intervalAfter(1, 7)).isEqualTo(Duration.ofMinutes(20));
    assertThat(EscalationPolicy.Rule.never().intervalAfter(0, 0)).isNull();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() ->
        new EscalationPolicy.Rule(Duration.ofHours(1), 1, 1, Duration.ofMinutes(30)));
  }

  @Test
  void aSeverityRiseOrTheEndOfASilenceStartsTheRemindersAfresh() {
    // The doubling restarts when there is news: a reopened alert is not left 4 h unmentioned.
    Alert top = lifecycle.onTime(openCritical(), T0.plus(Duration.ofHours(10))).alert();
    assertThat(top.escalationLevel()).isEqualTo(3);
    Instant until = T0.plus(Duration.ofHours(11));
    Alert silenced = onCommandWhenClockReadsIssueTime(top, command(AlertAction.SILENCE,
        StaffRole.ON_CALL, T0.plus(Duration.ofHours(10)), until)).alert();
    Step ended = lifecycle.onTime(silenced, until);
    assertThat(ended.alert().nextActionAt()).isEqualTo(until.plus(Duration.ofMinutes(15)));
  }

  // ------------------------------------------------------------------------------------------
  // Commands are stamped on the alert clock

  @Test
  void aCommandIsStampedWithTheAlertClockAndKeepsItsIssueTimeForAudit() {
    Alert open = openCritical();
    Instant wallClockIssue = Instant.parse("2026-11-24T12:00:00Z");
    StaffCommand ack = command(AlertAction.ACKNOWLEDGE, StaffRole.ON_CALL, wallClockIssue, null);

    Step step = lifecycle.onCommand(open, ack, T0.plus(Duration.ofMinutes(7)));

    assertThat(step.changes()).singleElement().satisfies(c -> {
      assertThat(c.eventTime()).isEqualTo(T0.plus(Duration.ofMinutes(7)));
      assertThat(c.alert().lastChangedAt()).isEqualTo(T0.plus(Duration.ofMinutes(7)));
      assertThat(c.causedBy()).isEqualTo(ack.commandId() + " issuedAt=" + wallClockIssue);
      assertThat(c.reason()).isEqualTo("on it");
    });
  }

  @Test
  void aCommandIsNeverStampedBeforeTheAlertsLastChange() {
    Alert renotified = lifecycle.onTime(openCritical(), T0.plus(Duration.ofMinutes(15))).alert();
    Step step = lifecycle.onCommand(renotified, command(AlertAction.RESOLVE, StaffRole.ADMIN,
        T0, null), T0.plus(Duration.ofMinutes(2)));
    assertThat(step.changes()).singleElement()
        .satisfies(c -> assertThat(c.eventTime()).isEqualTo(T0.plus(Duration.ofMinutes(15))));
  }

  @Test
  void aSilenceMustEndAfterTheAlertClockNotAfterTheIssueTime() {
    Step step = lifecycle.onCommand(openCritical(), command(AlertAction.SILENCE, StaffRole.ON_CALL,
        T0, T0.plus(Duration.ofHours(1))), T0.plus(Duration.ofHours(2)));
    assertThat(step.rejected()).hasValueSatisfying(r -> assertThat(r).contains("silenceUntil"));
  }

  // ------------------------------------------------------------------------------------------
  // Flapping: a re-raise soon after a resolution is shown, not paged

  final AlertLifecycle guarded = new AlertLifecycle(SeverityPolicy.defaults(),
      EscalationPolicy.defaults(), FlappingPolicy.defaults());

  RecentResolution resolvedEri(Instant at) {
    Alert eri = guarded.onSignal(null, signal(AlertType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, T0)).alert();
    AlertChange resolved = guarded.onSignal(eri, signal(AlertType.BATTERY_ERI,
        TwinEventTransition.CLEARED, RiskLevel.NONE, 300, at)).changes().get(0);
    return new RecentResolution(resolved.alert().alertId(), resolved.alert().severity(),
        resolved.eventTime());
  }

  @Test
  void anAlertReRaisedWithinTheWindowOpensWithItsPageHeldBackAndItsDeadlinesRunning() {
    RecentResolution previous = resolvedEri(T0.plus(Duration.ofHours(1)));
    Instant again = T0.plus(Duration.ofHours(3));

    Step step = guarded.onSignal(null, signal(AlertType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, again), previous);

    assertThat(step.changes()).singleElement().satisfies(c -> {
      assertThat(c.transition()).isEqualTo(AlertTransition.OPENED);
      assertThat(FlappingPolicy.heldBack(c.reason())).isTrue();
      assertThat(c.reason()).contains("120 min after alert " + previous.alertId());
      assertThat(c.alert().alertId()).isNotEqualTo(previous.alertId());
    });
    assertThat(step.alert().nextActionAt()).isEqualTo(again.plus(Duration.ofHours(4)));
  }

  @Test
  void aReRaiseAfterTheWindowOrMoreSevereOrCriticalIsPaged() {
    RecentResolution previous = resolvedEri(T0.plus(Duration.ofHours(1)));
    Step late = guarded.onSignal(null, signal(AlertType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, T0.plus(Duration.ofHours(7))), previous);
    assertThat(late.changes().get(0).reason()).isNull();

    RecentResolution lowResolved = new RecentResolution("x", Severity.LOW, T0);
    Step worse = guarded.onSignal(null, signal(AlertType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, T0.plusSeconds(60)), lowResolved);
    assertThat(worse.changes().get(0).reason()).isNull();

    RecentResolution criticalResolved = new RecentResolution("y", Severity.CRITICAL, T0);
    Step critical = guarded.onSignal(null, signal(AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 600, T0.plusSeconds(60)), criticalResolved);
    assertThat(critical.alert().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(critical.changes().get(0).reason()).isNull();

    Step unguarded = lifecycle.onSignal(null, signal(AlertType.BATTERY_ERI,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 300, T0.plus(Duration.ofHours(2))), previous);
    assertThat(unguarded.changes().get(0).reason()).isNull();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new FlappingPolicy(Duration.ofHours(1), Severity.CRITICAL));
  }
}
