package io.pumptwin.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.Severity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnCallRoutingTest {
  final OnCallRouting routing = OnCallRouting.load(Path.of("config/routing.example.yaml"));

  static List<String> ids(List<OnCallRouting.Recipient> recipients) {
    return recipients.stream().map(OnCallRouting.Recipient::id).toList();
  }

  @Test
  void theDayShiftGetsLevelZeroAndTheLeadAfterEscalation() {
    // Tuesday 10:00 in Berlin (09:00 UTC in winter).
    Instant tuesdayMorning = Instant.parse("2026-03-03T09:00:00Z");
    assertThat(ids(routing.recipientsFor("clinic-a", 0, tuesdayMorning)))
        .containsExactly("ward-7-oncall-mail", "clinic-a-pager");
    assertThat(ids(routing.recipientsFor("clinic-a", 1, tuesdayMorning)))
        .containsExactly("ward-7-lead-mail");
    // Beyond the chain: the top keeps being told.
    assertThat(ids(routing.recipientsFor("clinic-a", 5, tuesdayMorning)))
        .containsExactly("ward-7-lead-mail");
  }

  @Test
  void nightsAndWeekendsRunPastMidnight() {
    Instant saturdayNoon = Instant.parse("2026-03-07T11:00:00Z");
    Instant wednesdayThreeAm = Instant.parse("2026-03-04T02:00:00Z");
    assertThat(ids(routing.recipientsFor("clinic-a", 0, saturdayNoon))).containsExactly("clinic-a-pager");
    assertThat(ids(routing.recipientsFor("clinic-a", 0, wednesdayThreeAm))).containsExactly("clinic-a-pager");
    assertThat(routing.rotaOf("clinic-a").orElseThrow().minimumSeverity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void anUnknownClinicHasNobodyAndAnUnknownRecipientIsRefusedAtLoad() {
    assertThat(routing.recipientsFor("clinic-x", 0, Instant.parse("2026-03-03T09:00:00Z"))).isEmpty();
    assertThatThrownBy(() -> new OnCallRouting(Map.of(), Map.of("c", new OnCallRouting.ClinicRota(
        java.time.ZoneId.of("UTC"), Severity.MEDIUM, List.of(new OnCallRouting.Shift("s",
            java.util.Set.of(), java.time.LocalTime.MIDNIGHT, java.time.LocalTime.MIDNIGHT,
            List.of(List.of("ghost"))))))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost");
  }
}
