package io.pumptwin.alerting.notify;

/**
 * The outcome of one delivery attempt on one channel.
 *
 * @param statusCode HTTP or SMTP reply code, null when there was no reply (connection failed)
 * @param retryable whether trying again may help: timeouts, 5xx HTTP, 4xx SMTP, 429; a 4xx HTTP
 *     reply or a 5xx SMTP reply will not fix itself
 */
public record Attempt(boolean delivered, Integer statusCode, String error, boolean retryable) {
  static Attempt delivered(int statusCode) {
    return new Attempt(true, statusCode, null, false);
  }

  static Attempt failed(Integer statusCode, String error, boolean retryable) {
    return new Attempt(false, statusCode, error, retryable);
  }
}
