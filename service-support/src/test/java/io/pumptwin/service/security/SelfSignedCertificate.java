package io.pumptwin.service.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by the JDK's own keytool in the
 * test (no key material is checked in): a key store (private key and certificate, for a server)
 * and a trust store holding only the certificate (for clients), PKCS12 unless told otherwise.
 *
 * <p>In this module's test jar so that the security tests make their certificates the same way.
 *
 * @param keyStore the server's key store
 * @param trustStore a store holding only the certificate
 * @param password the password of both
 * @param storeType {@code PKCS12} or {@code JKS}, of both
 */
public record SelfSignedCertificate(Path keyStore, Path trustStore, String password, String storeType) {

  public static SelfSignedCertificate create(Path dir, String name) {
    return create(dir, name, "PKCS12");
  }

  public static SelfSignedCertificate create(Path dir, String name, String storeType) {
    String suffix = "." + storeType.toLowerCase(Locale.ROOT);
    Path keyStore = dir.resolve(name + "-keystore" + suffix);
    Path trustStore = dir.resolve(name + "-truststore" + suffix);
    Path pem = dir.resolve(name + ".pem");
    String password = "pw-" + UUID.randomUUID();
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-validity", "2", "-dname", "CN=localhost,O=PumpTwin test",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", storeType,
        "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(),
        "-storepass", password, "-file", pem.toString());
    keytool("-importcert", "-noprompt", "-alias", name, "-file", pem.toString(), "-storetype", storeType,
        "-keystore", trustStore.toString(), "-storepass", password);
    return new SelfSignedCertificate(keyStore, trustStore, password, storeType);
  }

  /**
   * A client context that trusts this certificate and nothing else. Built here rather than by
   * {@link TlsSettings#trustingClientContext()}: the tests' client must not depend on the code it checks.
   */
  public SSLContext trustingClient() {
    try (InputStream in = Files.newInputStream(trustStore)) {
      KeyStore store = KeyStore.getInstance(storeType);
      store.load(in, password.toCharArray());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test trust store", e);
    }
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
