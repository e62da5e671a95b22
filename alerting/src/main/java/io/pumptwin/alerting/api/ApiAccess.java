package io.pumptwin.alerting.api;

import io.pumptwin.events.StaffRole;
import io.pumptwin.service.security.StaffTokenFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * API tokens and what each may do, from the staff token file the dashboard and the twin query API
 * read too ({@link StaffTokenFile}). The file holds only SHA-256 hashes of tokens, so a leaked
 * configuration does not leak credentials.
 */
public final class ApiAccess {

  /** Who is calling: a pseudonymous staff id, a role, and the clinics whose pumps they may see. */
  public record Staff(String userId, StaffRole role, Set<String> clinics) {
    public Staff {
      clinics = Set.copyOf(clinics);
    }

    public boolean maySee(String clinicId) {
      return clinicId != null && clinics.contains(clinicId);
    }

    public boolean mayAct() {
      return role == StaffRole.ON_CALL || role == StaffRole.ADMIN;
    }
  }

  private final Map<String, Staff> byTokenHash;

  public ApiAccess(Map<String, Staff> byTokenHash) {
    this.byTokenHash = StaffTokenFile.byLowerCaseHash(byTokenHash);
  }

  public static ApiAccess none() {
    return new ApiAccess(Map.of());
  }

  public Optional<Staff> authenticate(String token) {
    return StaffTokenFile.lookup(byTokenHash, token);
  }

  public static String sha256(String token) {
    return StaffTokenFile.sha256(token);
  }

  /**
   * Reads {@code tokens: [{sha256, userId, role, clinics: [...]}, ...]} from a YAML file; a malformed entry is
   * refused with its position, never skipped.
   */
  public static ApiAccess load(Path file) {
    Map<String, Staff> staff = new HashMap<>();
    StaffTokenFile.read(file, StaffRole.class)
        .forEach((hash, e) -> staff.put(hash, new Staff(e.userId(), e.role(), e.clinics())));
    return new ApiAccess(staff);
  }
}
