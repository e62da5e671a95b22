package io.pumptwin.dashboard.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pumptwin.events.StaffRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API tokens staff sign in with, and who each one is. Reads the alerting service's token file
 * ({@code tokens: [{sha256, userId, role, clinics: [...]}]}, YAML or JSON), so one file gives a
 * person the same identity, role and clinics in the alert API and in the dashboard. Services never
 * import each other (DESIGN.md), so the format is read here again rather than shared as code.
 *
 * <p>The file holds only SHA-256 hashes of tokens: a leaked configuration leaks no credential.
 */
public final class StaffDirectory {

  /** A token file that cannot be used; the message names the file and the entry. */
  public static final class InvalidStaffDirectory extends RuntimeException {
    public InvalidStaffDirectory(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Map<String, StaffMember> byTokenHash;

  public StaffDirectory(Map<String, StaffMember> byTokenHash) {
    Map<String, StaffMember> normalised = new HashMap<>();
    byTokenHash.forEach((hash, member) -> normalised.put(hash.toLowerCase(), member));
    this.byTokenHash = Map.copyOf(normalised);
  }

  /** Nobody can sign in: the dashboard runs but shows its sign-in page only. */
  public static StaffDirectory empty() {
    return new StaffDirectory(Map.of());
  }

  public Optional<StaffMember> authenticate(String token) {
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

  /** Reads the token file; a malformed entry is refused with its position, never skipped. */
  public static StaffDirectory load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidStaffDirectory("cannot read staff token file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.path("tokens").isArray()) {
      throw new InvalidStaffDirectory(file + ": expected a top-level 'tokens' list", null);
    }
    Map<String, StaffMember> staff = new HashMap<>();
    int index = 0;
    for (JsonNode t : root.path("tokens")) {
      String where = file + ": tokens[" + index++ + "]";
      String hash = t.path("sha256").asText("");
      if (!hash.matches("(?i)[0-9a-f]{64}")) {
        throw new InvalidStaffDirectory(where + ": sha256 must be 64 hex digits (the token's SHA-256)", null);
      }
      if (!t.hasNonNull("userId") || t.get("userId").asText().isBlank()) {
        throw new InvalidStaffDirectory(where + ": userId is required", null);
      }
      StaffRole role;
      try {
        role = StaffRole.valueOf(t.path("role").asText(""));
      } catch (IllegalArgumentException e) {
        throw new InvalidStaffDirectory(where + ": role must be one of VIEWER, ON_CALL, ADMIN", e);
      }
      Set<String> clinics = new LinkedHashSet<>();
      t.path("clinics").forEach(c -> clinics.add(c.asText()));
      staff.put(hash.toLowerCase(), new StaffMember(t.get("userId").asText(), role, clinics));
    }
    return new StaffDirectory(staff);
  }
}
