package io.pumptwin.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void everyTopicOfTheDesignIsRegisteredOnceWithAVersionedName() {
    Set<String> names = Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toSet());
    assertThat(names).hasSize(Topics.ALL.size()).containsExactlyInAnyOrder(
        "pump.telemetry.v1", "pump.telemetry.dlq.v1", "pump.twin.state.v1", "pump.twin.parameters.v1", "pump.twin.events.v1",
        "pump.alerts.v1", "pump.alert.commands.v1", "pump.notifications.v1", "sim.ground-truth.v1");
    assertThat(names).allMatch(n -> n.matches(".*\\.v\\d+$"));
  }

  @Test
  void latestTwinPerPumpIsCompactedAndTelemetryIsKeptForReplay() {
    assertThat(Topics.TWIN_STATE.compacted()).isTrue();
    assertThat(Topics.TWIN_PARAMETERS.compacted()).isTrue();
    assertThat(Topics.TELEMETRY.compacted()).isFalse();
    assertThat(Topics.TELEMETRY.configs()).containsEntry("retention.ms", "-1");
  }

  @Test
  void subjectsFollowTheTopicNameStrategy() {
    assertThat(Topics.ALERTS.valueSubject()).isEqualTo("pump.alerts.v1-value");
  }
}
