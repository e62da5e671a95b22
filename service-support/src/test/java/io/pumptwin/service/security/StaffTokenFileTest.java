package io.pumptwin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaffTokenFileTest {
  enum Role { VIEWER, ON_CALL, ADMIN }

  @TempDir Path dir;

  @Test
  void readsHolderByTokenHashAndFindsThemByThePresentedToken() throws Exception {
    Path file = dir.resolve("tokens.yaml");
    Files.writeString(file, """
        tokens:
          - sha256: %s
            userId: nurse-17
            role: ON_CALL
            clinics: [north, east]
          - {sha256: %s, userId: viewer-3, role: VIEWER, clinics: [north]}
        """.formatted(StaffTokenFile.sha256("tok-nurse"), StaffTokenFile.sha256("tok-viewer").toUpperCase()));

    Map<String, StaffTokenFile.Entry<Role>> entries = StaffTokenFile.read(file, Role.class);

    assertThat(Files.readString(file)).doesNotContain("tok-nurse");
    assertThat(StaffTokenFile.lookup(entries, "tok-nurse"))
        .contains(new StaffTokenFile.Entry<>("nurse-17", Role.ON_CALL, Set.of("north", "east")));
    assertThat(StaffTokenFile.lookup(entries, " tok-viewer\n").orElseThrow().userId()).isEqualTo("viewer-3");
    assertThat(StaffTokenFile.lookup(entries, "tok-unknown")).isEmpty();
    assertThat(StaffTokenFile.lookup(entries, "")).isEmpty();
    assertThat(StaffTokenFile.lookup(entries, null)).isEmpty();
    assertThat(StaffTokenFile.lookup(StaffTokenFile.byLowerCaseHash(
        Map.of(StaffTokenFile.sha256("t").toUpperCase(), "holder")), "t")).contains("holder");
  }

  @Test
  void aMalformedEntryIsRefusedWithWhereAndWhyNeverSkipped() throws Exception {
    Path file = dir.resolve("bad.yaml");
    String good = "  - {sha256: " + StaffTokenFile.sha256("a") + ", userId: u-1, role: VIEWER}\n";
    Files.writeString(file, "tokens:\n" + good + "  - {sha256: " + StaffTokenFile.sha256("b")
        + ", userId: u-2, role: NURSE}\n");
    assertThatThrownBy(() -> StaffTokenFile.read(file, Role.class))
        .isInstanceOf(StaffTokenFile.InvalidStaffTokenFile.class)
        .hasMessageContaining("tokens[1]").hasMessageContaining("role must be one of VIEWER, ON_CALL, ADMIN");

    Files.writeString(file, "tokens:\n  - {sha256: abc, userId: u, role: VIEWER}\n");
    assertThatThrownBy(() -> StaffTokenFile.read(file, Role.class)).hasMessageContaining("64 hex digits");

    Files.writeString(file, "tokens:\n" + good + "  - {sha256: " + StaffTokenFile.sha256("c") + ", role: ADMIN}\n");
    assertThatThrownBy(() -> StaffTokenFile.read(file, Role.class)).hasMessageContaining("tokens[1]: userId");

    Files.writeString(file, "staff: []\n");
    assertThatThrownBy(() -> StaffTokenFile.read(file, Role.class)).hasMessageContaining("'tokens' list");

    assertThatThrownBy(() -> StaffTokenFile.read(dir.resolve("missing.yaml"), Role.class))
        .isInstanceOf(StaffTokenFile.InvalidStaffTokenFile.class).hasMessageContaining("cannot read");
  }
}
