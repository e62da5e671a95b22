package io.pumptwin.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Staff accounts of the local stack: an on-call nurse for every simulated clinic and a viewer for
 * one, with random API tokens made at the first start and kept in the data directory (owner-only).
 * The alerting service and the dashboard read the token file (SHA-256 hashes only); the plain
 * tokens are printed in the banner so a developer can sign in.
 */
record LocalStaff(Path tokensFile, String onCallToken, String viewerToken) {

  static LocalStaff ensure(Path configDir, List<String> clinics) throws IOException {
    Files.createDirectories(configDir);
    Path plain = configDir.resolve("local-tokens.txt");
    Path tokens = configDir.resolve("tokens.yaml");
    String onCall;
    String viewer;
    if (Files.exists(plain)) {
      List<String> lines = Files.readAllLines(plain);
      onCall = lines.get(0).split("=", 2)[1];
      viewer = lines.get(1).split("=", 2)[1];
    } else {
      SecureRandom random = new SecureRandom();
      onCall = "oncall-" + token(random);
      viewer = "viewer-" + token(random);
      Files.writeString(plain, "oncall=" + onCall + "\nviewer=" + viewer + "\n");
      ownerOnly(plain);
    }
    String yaml = "# Written by pumptwin local. SHA-256 hashes of the tokens in local-tokens.txt.\n"
        + "tokens:\n"
        + "  - sha256: " + sha256(onCall) + "\n    userId: staff-oncall-1\n    role: ON_CALL\n"
        + "    clinics: [" + String.join(", ", clinics) + "]\n"
        + "  - sha256: " + sha256(viewer) + "\n    userId: staff-viewer-1\n    role: VIEWER\n"
        + "    clinics: [" + clinics.get(0) + "]\n";
    Files.writeString(tokens, yaml, StandardCharsets.UTF_8);
    return new LocalStaff(tokens, onCall, viewer);
  }

  private static String token(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  private static void ownerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system; the file stays with default permissions
    }
  }
}
