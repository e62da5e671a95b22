package io.pumptwin.dashboard.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.StaffRole;
import io.pumptwin.service.security.StaffTokenFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaffDirectoryTest {
  @TempDir Path dir;

  @Test
  void readsTheAlertingServicesTokenFileAndKnowsPeopleByTokenHashOnly() throws Exception {
    Path file = dir.resolve("tokens.json");
    // the token file in JSON, which the docs promise beside YAML (StaffTokenFileTest reads YAML)
    Files.writeString(file, "{\"tokens\": [{\"sha256\": \"" + StaffDirectory.sha256("tok-nurse")
        + "\", \"userId\": \"nurse-17\", \"role\": \"ON_CALL\", \"clinics\": [\"north\", \"east\"]}, {\"sha256\": \""
        + StaffDirectory.sha256("tok-viewer").toUpperCase()
        + "\", \"userId\": \"viewer-3\", \"role\": \"VIEWER\", \"clinics\": [\"north\"]}]}");
    StaffDirectory staff = StaffDirectory.load(file);

    assertThat(Files.readString(file)).doesNotContain("tok-nurse");
    assertThat(staff.authenticate("tok-nurse")).contains(
        new StaffMember("nurse-17", StaffRole.ON_CALL, Set.of("north", "east")));
    assertThat(staff.authenticate(" tok-viewer\n").orElseThrow().mayAct()).isFalse();
    assertThat(staff.authenticate("tok-nurse").orElseThrow().mayAct()).isTrue();
    assertThat(staff.authenticate("tok-unknown")).isEmpty();
    assertThat(staff.authenticate("")).isEmpty();
    assertThat(staff.authenticate(null)).isEmpty();
  }

  @Test
  void aMalformedFileStopsTheDashboardWithWhereAndWhy() throws Exception {
    // the checks themselves are StaffTokenFile's (service-support StaffTokenFileTest)
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "tokens:\n  - {sha256: abc, userId: u, role: VIEWER}\n");
    assertThatThrownBy(() -> StaffDirectory.load(file))
        .isInstanceOf(StaffTokenFile.InvalidStaffTokenFile.class).hasMessageContaining("tokens[0]");
  }

  @Test
  void sessionsEndAfterTheirTimeToLive() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
    SignInSessions sessions = new SignInSessions(Duration.ofHours(14), clock);
    StaffMember m = new StaffMember("nurse-1", StaffRole.ON_CALL, Set.of("north"));
    String id = sessions.open(m);
    assertThat(sessions.find(id)).contains(m);
    clock.now = clock.now.plus(Duration.ofHours(14));
    assertThat(sessions.find(id)).isEmpty();
    assertThat(sessions.find("not-a-session")).isEmpty();
    String other = sessions.open(m);
    sessions.close(other);
    assertThat(sessions.find(other)).isEmpty();
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
