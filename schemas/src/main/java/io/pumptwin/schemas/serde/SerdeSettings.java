package io.pumptwin.schemas.serde;

/**
 * How the serializer finds the id it writes.
 *
 * @param autoRegister register the writer schema on first use (development, the embedded default);
 *     when false the schema must already be registered (production: schemas are registered by the
 *     deployment, so a service cannot widen a subject by accident)
 */
public record SerdeSettings(boolean autoRegister) {
  public static SerdeSettings autoRegistering() {
    return new SerdeSettings(true);
  }

  public static SerdeSettings preRegistered() {
    return new SerdeSettings(false);
  }
}
