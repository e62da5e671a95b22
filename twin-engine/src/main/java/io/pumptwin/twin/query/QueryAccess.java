package io.pumptwin.twin.query;

import io.pumptwin.events.StaffRole;
import io.pumptwin.service.security.StaffTokenFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may ask the twin query API, and about which pumps. Reads the staff token file the alert API
 * and the dashboard read ({@link StaffTokenFile}, in service-support: services never import each
 * other, DESIGN.md), so a person has one identity, role and set of clinics everywhere.
 *
 * <p>Every role may read twins (the API has no commands); what a caller sees is cut to the clinics
 * of the token. The file holds only SHA-256 hashes of tokens: a leaked configuration leaks no
 * credential.
 */
public final class QueryAccess {

  /** Who is asking: a pseudonymous staff id, a role, and the clinics whose pumps they may see. */
  public record Staff(String userId, StaffRole role, Set<String> clinics) {
    public Staff {
      clinics = Set.copyOf(clinics);
    }

    public boolean maySee(String clinicId) {
      return clinicId != null && clinics.contains(clinicId);
    }
  }

  private final Map<String, Staff> byTokenHash;

  public QueryAccess(Map<String, Staff> byTokenHash) {
    this.byTokenHash = StaffTokenFile.byLowerCaseHash(byTokenHash);
  }

  /** Nobody may query: the safe default when no token file is configured. */
  public static QueryAccess none() {
    return new QueryAccess(Map.of());
  }

  public Optional<Staff> authenticate(String token) {
    return StaffTokenFile.lookup(byTokenHash, token);
  }

  public int size() {
    return byTokenHash.size();
  }

  public static String sha256(String token) {
    return StaffTokenFile.sha256(token);
  }

  /** Reads the staff token file; a malformed entry is refused with its position, never skipped. */
  public static QueryAccess load(Path file) {
    Map<String, Staff> staff = new HashMap<>();
    StaffTokenFile.read(file, StaffRole.class)
        .forEach((hash, e) -> staff.put(hash, new Staff(e.userId(), e.role(), e.clinics())));
    return new QueryAccess(staff);
  }
}
