package io.pumptwin.service.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The staff token file every service with an API reads (the alert API, the dashboard, the twin query API), so one
 * file gives a person the same identity, role and clinics everywhere: {@code tokens: [{sha256, userId, role,
 * clinics: [...]}]}, YAML or JSON. It holds only SHA-256 hashes of the tokens: a leaked configuration leaks no
 * credential, and no name: the user id is pseudonymous.
 *
 * <p>The role type is the caller's (the services use the Avro {@code StaffRole}), so this module needs no schema.
 */
public final class StaffTokenFile {

  private StaffTokenFile() {}

  /** One token's holder. */
  public record Entry<R extends Enum<R>>(String userId, R role, Set<String> clinics) {
    public Entry {
      clinics = Set.copyOf(clinics);
    }
  }

  /** A token file that cannot be used; the message names the file and the entry. */
  public static final class InvalidStaffTokenFile extends IllegalArgumentException {
    public InvalidStaffTokenFile(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The file's entries by token hash (lower-case hex). A malformed entry is refused with its position, never
   * skipped: a service that silently dropped a line would lock someone out, or worse, keep an old line alive.
   */
  public static <R extends Enum<R>> Map<String, Entry<R>> read(Path file, Class<R> roles) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidStaffTokenFile("cannot read staff token file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.path("tokens").isArray()) {
      throw new InvalidStaffTokenFile(file + ": expected a top-level 'tokens' list", null);
    }
    Map<String, Entry<R>> staff = new HashMap<>();
    int index = 0;
    for (JsonNode t : root.path("tokens")) {
      String where = file + ": tokens[" + index++ + "]";
      String hash = t.path("sha256").asText("");
      if (!hash.matches("(?i)[0-9a-f]{64}")) {
        throw new InvalidStaffTokenFile(where + ": sha256 must be 64 hex digits (the token's SHA-256)", null);
      }
      if (t.path("userId").asText("").isBlank()) {
        throw new InvalidStaffTokenFile(where + ": userId is required", null);
      }
      R role;
      try {
        role = Enum.valueOf(roles, t.path("role").asText(""));
      } catch (IllegalArgumentException e) {
        throw new InvalidStaffTokenFile(where + ": role must be one of "
            + Arrays.toString(roles.getEnumConstants()).replaceAll("[\\[\\]]", ""), e);
      }
      Set<String> clinics = new LinkedHashSet<>();
      t.path("clinics").forEach(c -> clinics.add(c.asText()));
      staff.put(hash.toLowerCase(Locale.ROOT), new Entry<>(t.get("userId").asText(), role, clinics));
    }
    return staff;
  }

  /** {@code byHash} with its keys in lower case, as {@link #lookup} expects them. */
  public static <T> Map<String, T> byLowerCaseHash(Map<String, T> byHash) {
    Map<String, T> normalised = new HashMap<>();
    byHash.forEach((hash, holder) -> normalised.put(hash.toLowerCase(Locale.ROOT), holder));
    return Map.copyOf(normalised);
  }

  /** Who holds the presented token (surrounding whitespace of a header value ignored); empty for none. */
  public static <T> Optional<T> lookup(Map<String, T> byLowerCaseHash, String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byLowerCaseHash.get(sha256(token.strip())));
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
