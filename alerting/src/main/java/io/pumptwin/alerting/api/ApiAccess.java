package io.pumptwin.alerting.api;

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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * API tokens and what each may do. The file holds only SHA-256 hashes of tokens, so a leaked
 * configuration does not leak credentials.
 */
public final class ApiAccess {

  /** Who is calling: a pseudonymous staff id, a role, and the clinics whose pumps they may see. */
  public record Staff(String userId, StaffRole role, Set<String> clinics) {
    public Staff {
      clinics = Set.copyOf(clinics);
    }

    public boolean maySee(String clinicId) {
      return clinics.contains(clinicId);
    }

    public boolean mayAct() {
      return role == StaffRole.ON_CALL || role == StaffRole.ADMIN;
    }
  }

  private final Map<String, Staff> byTokenHash;

  public ApiAccess(Map<String, Staff> byTokenHash) {
    this.byTokenHash = Map.copyOf(byTokenHash);
  }

  public static ApiAccess none() {
    return new ApiAccess(Map.of());
  }

  public Optional<Staff> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byTokenHash.get(sha256(token)));
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * Reads {@code tokens: [{sha256, userId, role, clinics: [...]}, ...]} from a YAML file.
   */
  public static ApiAccess load(Path file) {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      Map<String, Staff> staff = new HashMap<>();
      for (JsonNode t : root.path("tokens")) {
        if (!t.hasNonNull("sha256") || !t.hasNonNull("userId") || !t.hasNonNull("role")) {
          throw new IllegalArgumentException(file + ": each token needs sha256, userId and role");
        }
        Set<String> clinics = new HashSet<>();
        t.path("clinics").forEach(c -> clinics.add(c.asText()));
        staff.put(t.get("sha256").asText().toLowerCase(), new Staff(t.get("userId").asText(),
            StaffRole.valueOf(t.get("role").asText()), clinics));
      }
      return new ApiAccess(staff);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read API tokens " + file, e);
    }
  }
}
