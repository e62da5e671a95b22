package io.pumptwin.service.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost in a key store, made in the test by the
 * JDK's own keytool (as the security tests do): no key material is checked in.
 */
record TestKeyStore(Path file, String password, String type) {

  static TestKeyStore create(Path dir, String name, String type) {
    Path file = dir.resolve(name + "." + type.toLowerCase(java.util.Locale.ROOT));
    String password = "pw-" + UUID.randomUUID();
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-validity", "2", "-dname", "CN=localhost,O=PumpTwin test",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", type,
        "-keystore", file.toString(), "-storepass", password, "-keypass", password);
    return new TestKeyStore(file, password, type);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running keytool", e);
    }
  }
}
