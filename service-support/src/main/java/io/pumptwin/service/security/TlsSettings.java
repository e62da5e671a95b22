package io.pumptwin.service.security;

import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for a service's HTTP endpoints (the telemetry gateway, the twin query API, the alert API
 * and live stream, the web dashboard): a key store (PKCS12 by default) holding the server's private
 * key and certificate chain. When configured, the server listens with TLS only: Javalin adds its
 * plain HTTP connector only when no connector was added, so no plain port is left open.
 *
 * <p>Services never import each other (DESIGN.md), but they all serve HTTPS the same way; this
 * module holds that one way, so a fix to it reaches every service. Each service still reads its own
 * flags and environment (e.g. the gateway's {@code --tls-keystore}, {@code GATEWAY_TLS_KEYSTORE}).
 *
 * @param keyStore the key store file
 * @param keyStorePassword its password; never logged ({@link #toString()} leaves it out)
 * @param keyStoreType {@code PKCS12} (the default) or {@code JKS}
 */
public record TlsSettings(Path keyStore, String keyStorePassword, String keyStoreType) {

  public TlsSettings {
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(keyStorePassword, "keyStorePassword");
    keyStoreType = keyStoreType == null || keyStoreType.isBlank() ? "PKCS12" : keyStoreType;
    if (!Files.isReadable(keyStore)) {
      throw new IllegalArgumentException("TLS key store not readable: " + keyStore);
    }
  }

  public static TlsSettings pkcs12(Path keyStore, String password) {
    return new TlsSettings(keyStore, password, "PKCS12");
  }

  /** Makes the server listen with TLS on {@code host:port} (0 picks a free port), and only so. */
  public void serveOn(JavalinConfig config, String host, int port) {
    config.jetty.addConnector((server, httpConfig) -> {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(keyStore.toAbsolutePath().toString());
      ssl.setKeyStorePassword(keyStorePassword);
      ssl.setKeyStoreType(keyStoreType);
      HttpConfiguration https = new HttpConfiguration(httpConfig);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Clients reach a service by IP or by names the certificate may not list (a load balancer's);
      // the certificate check is the client's job, the server need not refuse on the SNI name.
      secure.setSniHostCheck(false);
      https.addCustomizer(secure);
      ServerConnector connector = new ServerConnector(server,
          new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
      connector.setHost(host);
      connector.setPort(port);
      return connector;
    });
  }

  /**
   * A client context that trusts the certificates in this key store: instances of one service
   * deployed with one certificate (or one CA) can call each other.
   */
  public SSLContext trustingClientContext() {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance(keyStoreType);
      store.load(in, keyStorePassword.toCharArray());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read TLS key store " + keyStore + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TlsSettings[keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + "]";
  }
}
