package io.pumptwin.alerting.stream;

/**
 * A record that decoded but cannot be acted on: names the field and the rule it broke, so the
 * dead-letter record says what to fix.
 */
final class InvalidRecord extends RuntimeException {
  private final String field;

  InvalidRecord(String field, String rule) {
    super(field + ": " + rule);
    this.field = field;
  }

  String field() {
    return field;
  }
}
