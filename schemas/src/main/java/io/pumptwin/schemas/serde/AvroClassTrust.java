package io.pumptwin.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to instantiate generated classes from packages it does not trust
 * (ENVIRONMENT.md). Avro keeps that list as JVM-global state, so this adds our generated package to
 * it once, keeping whatever the host application already trusts.
 */
final class AvroClassTrust {
  static final String GENERATED_PACKAGE = "io.pumptwin.events";

  private static boolean done;

  static synchronized void ensure() {
    if (done) {
      return;
    }
    ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
        c -> c.getPackageName().equals(GENERATED_PACKAGE)));
    done = true;
  }

  private AvroClassTrust() {}
}
