package io.pumptwin.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by the JDK's own keytool in the
 * test: a PKCS12 key store (private key and certificate, for a server) and a PKCS12 trust store
 * holding only the certificate (for clients).
 */
record SelfSignedCertificate(Path keyStore, Path trustStore, String password) {

  static SelfSignedCertificate create(Path dir, String name) {
    Path keyStore = dir.resolve(name + "-keystore.p12");
    Path trustStore = dir.resolve(name + "-truststore.p12");
    Path pem = dir.resolve(name + ".pem");
    String password = "pw-" + java.util.UUID.randomUUID();
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-validity", "2", "-dname", "CN=localhost,O=PumpTwin test",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(),
        "-storepass", password, "-file", pem.toString());
    keytool("-importcert", "-noprompt", "-alias", name, "-file", pem.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", password);
    return new SelfSignedCertificate(keyStore, trustStore, password);
  }

  /** A client context that trusts this certificate and nothing else. */
  SSLContext trustingClient() {
    try (InputStream in = Files.newInputStream(trustStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
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
