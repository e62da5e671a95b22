package io.pumptwin.alerting.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.StaffRole;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ApiAccessTest {
  final ApiAccess access = ApiAccess.load(Path.of("config/tokens.example.yaml"));

  @Test
  void tokensMapToStaffRoleAndClinics() {
    ApiAccess.Staff oncall = access.authenticate("local-dev-token").orElseThrow();
    assertThat(oncall.role()).isEqualTo(StaffRole.ON_CALL);
    assertThat(oncall.mayAct()).isTrue();
    assertThat(oncall.maySee("clinic-a")).isTrue();
    assertThat(oncall.maySee("clinic-b")).isFalse();

    ApiAccess.Staff viewer = access.authenticate("local-viewer-token").orElseThrow();
    assertThat(viewer.mayAct()).isFalse();
    assertThat(viewer.maySee("clinic-b")).isTrue();
  }

  @Test
  void unknownOrMissingTokensAreNobody() {
    assertThat(access.authenticate("guess")).isEmpty();
    assertThat(access.authenticate(null)).isEmpty();
    assertThat(access.authenticate("")).isEmpty();
  }
}
