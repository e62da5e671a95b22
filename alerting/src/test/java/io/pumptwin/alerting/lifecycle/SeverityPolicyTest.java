package io.pumptwin.alerting.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import org.junit.jupiter.api.Test;

class SeverityPolicyTest {
  final SeverityPolicy policy = SeverityPolicy.defaults();

  @Test
  void aHighDosePumpThatStoppedDeliveringIsTheTopOfTheScale() {
    assertThat(policy.severityOf(AlertType.UNDERDOSE_WITHDRAWAL_RISK, RiskLevel.URGENT, 400))
        .isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityOf(AlertType.PUMP_CRITICAL_ALARM, RiskLevel.URGENT, 800))
        .isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityOf(AlertType.UNDERDOSE_WITHDRAWAL_RISK, RiskLevel.URGENT, 399))
        .isEqualTo(Severity.HIGH);
    assertThat(policy.severityOf(AlertType.PUMP_CRITICAL_ALARM, RiskLevel.URGENT, 100))
        .isEqualTo(Severity.HIGH);
  }

  @Test
  void refillDueClimbsFromLowToMediumAndTheLouderOneIsHigh() {
    assertThat(policy.severityOf(AlertType.REFILL_DUE, RiskLevel.WATCH, 300)).isEqualTo(Severity.LOW);
    assertThat(policy.severityOf(AlertType.REFILL_DUE, RiskLevel.LIKELY, 300)).isEqualTo(Severity.MEDIUM);
    assertThat(policy.severityOf(AlertType.REFILL_URGENT, RiskLevel.URGENT, 300)).isEqualTo(Severity.HIGH);
  }

  @Test
  void batteryAndOtherTypesFollowTheirStakes() {
    assertThat(policy.severityOf(AlertType.BATTERY_ERI, RiskLevel.WATCH, 300)).isEqualTo(Severity.LOW);
    assertThat(policy.severityOf(AlertType.BATTERY_ERI, RiskLevel.URGENT, 300)).isEqualTo(Severity.MEDIUM);
    assertThat(policy.severityOf(AlertType.BATTERY_END_OF_SERVICE, RiskLevel.URGENT, 50)).isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityOf(AlertType.CATHETER_FAULT_SUSPECTED, RiskLevel.WATCH, 300)).isEqualTo(Severity.HIGH);
    assertThat(policy.severityOf(AlertType.OVERDOSE_RISK, RiskLevel.LIKELY, 300)).isEqualTo(Severity.HIGH);
    assertThat(policy.severityOf(AlertType.OVERDOSE_RISK, RiskLevel.URGENT, 300)).isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityOf(AlertType.PUMP_SILENT, RiskLevel.LIKELY, 900)).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void theThresholdIsConfigurable() {
    SeverityPolicy strict = new SeverityPolicy(200);
    assertThat(strict.severityOf(AlertType.UNDERDOSE_WITHDRAWAL_RISK, RiskLevel.URGENT, 250))
        .isEqualTo(Severity.CRITICAL);
    assertThatThrownBy(() -> new SeverityPolicy(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
