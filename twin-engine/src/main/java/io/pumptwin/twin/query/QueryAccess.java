package io.pumptwin.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pumptwin.events.StaffRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may ask the twin query API, and about which pumps. Reads the staff token file the alert API
 * and the dashboard read ({@code tokens: [{sha256, userId, role, clinics: [...]}]}), so a person
 * has one identity, role and set of clinics everywhere. Services never import each other
 * (DESIGN.md), so the format is read here again rather than shared as code.
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
    Map<String, Staff> normalised = new HashMap<>();
    byTokenHash.forEach((hash, staff) -> normalised.put(hash.toLowerCase(Locale.ROOT), staff));
    this.byTokenHash = Map.copyOf(normalised);
  }

  /** Nobody may query: the safe default when no token file is configured. */
  public static QueryAccess none() {
    return new QueryAccess(Map.of());
  }

  public Optional<Staff> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byTokenHash.get(sha256(token.strip())));
  }

  public int size() {
    return byTokenHash.size();
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Reads the staff token file; a malformed entry is refused with its position, never skipped. */
  public static QueryAccess load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read staff token file " + file, e);
    }
    if (root == null || !root.path("tokens").isArray()) {
      throw new IllegalArgumentException(file + ": expected a top-level 'tokens' list");
    }
    Map<String, Staff> staff = new HashMap<>();
    int index = 0;
    for (JsonNode t : root.path("tokens")) {
      String where = file + ": tokens[" + index++ + "]";
      String hash = t.path("sha256").asText("");
      if (!hash.matches("(?i)[0-9a-f]{64}")) {
        throw new IllegalArgumentException(where + ": sha256 must be 64 hex digits (the token's SHA-256)");
      }
      if (t.path("userId").asText("").isBlank()) {
        throw new IllegalArgumentException(where + ": userId is required");
      }
      StaffRole role;
      try {
        role = StaffRole.valueOf(t.path("role").asText(""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": role must be one of VIEWER, ON_CALL, ADMIN", e);
      }
      Set<String> clinics = new java.util.LinkedHashSet<>();
      t.path("clinics").forEach(c -> clinics.add(c.asText()));
      staff.put(hash, new Staff(t.get("userId").asText(), role, clinics));
    }
    return new QueryAccess(staff);
  }
}
