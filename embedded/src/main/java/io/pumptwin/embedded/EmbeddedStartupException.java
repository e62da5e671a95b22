package io.pumptwin.embedded;

/** The embedded broker or registry could not be started; the message says what to check. */
public final class EmbeddedStartupException extends RuntimeException {
  public EmbeddedStartupException(String message) {
    super(message);
  }

  public EmbeddedStartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
