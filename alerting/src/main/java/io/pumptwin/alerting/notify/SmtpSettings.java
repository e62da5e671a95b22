package io.pumptwin.alerting.notify;

/**
 * The SMTP relay e-mail goes through.
 *
 * @param username null for a relay that needs no login
 */
public record SmtpSettings(String host, int port, String from, boolean startTls, String username,
    String password, int timeoutMillis) {

  public static SmtpSettings plain(String host, int port, String from) {
    return new SmtpSettings(host, port, from, false, null, null, 10_000);
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", from=" + from + ", startTls="
        + startTls + ", username=" + username + "]";
  }
}
