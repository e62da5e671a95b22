package io.pumptwin.dashboard.access;

import io.pumptwin.events.StaffRole;
import io.pumptwin.service.security.StaffTokenFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The API tokens staff sign in with, and who each one is. Reads the alerting service's token file
 * ({@code tokens: [{sha256, userId, role, clinics: [...]}]}, YAML or JSON), so one file gives a
 * person the same identity, role and clinics in the alert API and in the dashboard. Services never
 * import each other (DESIGN.md): the format is read by {@link StaffTokenFile}, in service-support.
 *
 * <p>The file holds only SHA-256 hashes of tokens: a leaked configuration leaks no credential.
 */
public final class StaffDirectory {

  private final Map<String, StaffMember> byTokenHash;

  public StaffDirectory(Map<String, StaffMember> byTokenHash) {
    this.byTokenHash = StaffTokenFile.byLowerCaseHash(byTokenHash);
  }

  /** Nobody can sign in: the dashboard runs but shows its sign-in page only. */
  public static StaffDirectory empty() {
    return new StaffDirectory(Map.of());
  }

  public Optional<StaffMember> authenticate(String token) {
    return StaffTokenFile.lookup(byTokenHash, token);
  }

  public int size() {
    return byTokenHash.size();
  }

  public static String sha256(String token) {
    return StaffTokenFile.sha256(token);
  }

  /**
   * Reads the token file ({@link StaffTokenFile}); a malformed entry is refused with its position, never skipped
   * ({@link StaffTokenFile.InvalidStaffTokenFile}).
   */
  public static StaffDirectory load(Path file) {
    Map<String, StaffMember> staff = new HashMap<>();
    StaffTokenFile.read(file, StaffRole.class)
        .forEach((hash, e) -> staff.put(hash, new StaffMember(e.userId(), e.role(), e.clinics())));
    return new StaffDirectory(staff);
  }
}
