package io.pumptwin.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic's value schema must stay BACKWARD compatible with the previous released version that
 * is committed under src/test/resources/compatibility/previous: a consumer built today must read
 * every record already on the topics (the telemetry topic is kept forever for replay).
 *
 * <p>When a release changes a schema compatibly, refresh the snapshots with
 * {@code ./mvnw -pl schemas test -Dtest=SchemaEvolutionTest -Dpumptwin.schemas.snapshot=true}.
 */
class SchemaEvolutionTest {
  private static final Path PREVIOUS = Path.of("src/test/resources/compatibility/previous");

  static Stream<Arguments> topics() {
    return Topics.ALL.stream().map(spec -> Arguments.of(spec.name(), spec));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topics")
  void currentSchemaReadsEverythingThePreviousVersionWrote(String name, TopicSpec<?> spec)
      throws IOException {
    Path snapshot = PREVIOUS.resolve(spec.name() + ".avsc");
    if (Boolean.getBoolean("pumptwin.schemas.snapshot")) {
      Files.createDirectories(PREVIOUS);
      Files.writeString(snapshot, spec.valueSchema().toString(true), StandardCharsets.UTF_8);
    }
    assertThat(snapshot).as("committed previous schema of " + spec.name()).exists();
    Schema previous = new Schema.Parser().parse(snapshot.toFile());

    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(spec.valueSchema(), previous);

    assertThat(result.getType())
        .as("BACKWARD compatibility of %s: %s", spec.name(), result.getResult().getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void theCheckRefusesAFieldAddedWithoutDefault() throws IOException {
    Schema previous = new Schema.Parser().parse(
        PREVIOUS.resolve(Topics.TELEMETRY.name() + ".avsc").toFile());
    String withNewRequiredField = Topics.TELEMETRY.valueSchema().toString().replaceFirst(
        "\"fields\":\\[", "\"fields\":[{\"name\":\"firmwareVersion\",\"type\":\"string\"},");

    Schema broken = new Schema.Parser().parse(withNewRequiredField);

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, previous).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  /**
   * A new payload kind (the PumpExplant of 2026-12, then its retraction) joins the telemetry union at its end: every earlier kind keeps
   * its branch index, so bytes written before the change decode to the same kind under any reading of the union.
   */
  @Test
  void newTelemetryPayloadKindsJoinTheUnionAtItsEnd() throws IOException {
    Schema previous = new Schema.Parser().parse(
        PREVIOUS.resolve(Topics.TELEMETRY.name() + ".avsc").toFile());
    java.util.List<String> before = previous.getField("payload").schema().getTypes().stream()
        .map(Schema::getFullName).toList();
    java.util.List<String> now = Topics.TELEMETRY.valueSchema().getField("payload").schema().getTypes().stream()
        .map(Schema::getFullName).toList();

    assertThat(now.subList(0, before.size())).isEqualTo(before);
    // The explant's retraction (2026-12) came after the explant itself: the union keeps that order for good.
    assertThat(now).endsWith("io.pumptwin.events.PumpExplant", "io.pumptwin.events.PumpExplantRetraction");
  }

  /**
   * A new twin event or alert type (EXPLANT_DOUBTED, 2026-12) joins its enum at the end: a symbol's position is what
   * the binary encoding writes, so every earlier symbol keeps its meaning in records already stored.
   */
  @Test
  void newTwinEventAndAlertTypesJoinTheirEnumsAtTheEnd() throws IOException {
    Schema previous = new Schema.Parser().parse(
        PREVIOUS.resolve(Topics.TWIN_EVENTS.name() + ".avsc").toFile());
    java.util.List<String> before = previous.getField("type").schema().getEnumSymbols();
    java.util.List<String> now = Topics.TWIN_EVENTS.valueSchema().getField("type").schema().getEnumSymbols();
    assertThat(now.subList(0, before.size())).isEqualTo(before);
    assertThat(now).endsWith("EXPLANT_DOUBTED");

    Schema previousAlerts = new Schema.Parser().parse(
        PREVIOUS.resolve(Topics.ALERTS.name() + ".avsc").toFile());
    java.util.List<String> alertsBefore = previousAlerts.getField("alertType").schema().getEnumSymbols();
    java.util.List<String> alertsNow = Topics.ALERTS.valueSchema().getField("alertType").schema().getEnumSymbols();
    assertThat(alertsNow.subList(0, alertsBefore.size())).isEqualTo(alertsBefore);
    assertThat(alertsNow).endsWith("EXPLANT_DOUBTED");
  }

  /**
   * A new ground-truth fault kind (COMMUNICATOR_OFFLINE, then WRONG_SERIAL_EXPLANT, 2026-12) joins TrueFaultKind at the
   * end: the enum has no default, so a symbol moved or removed would make stored ground truth unreadable or change its
   * meaning, and the bench judges recorded runs by these symbols.
   */
  @Test
  void newGroundTruthFaultKindsJoinTheirEnumAtTheEnd() throws IOException {
    Schema previous = new Schema.Parser().parse(
        PREVIOUS.resolve(Topics.GROUND_TRUTH.name() + ".avsc").toFile());
    java.util.List<String> before = previous.getField("activeFaults").schema().getElementType().getEnumSymbols();
    java.util.List<String> now = Topics.GROUND_TRUTH.valueSchema().getField("activeFaults").schema().getElementType()
        .getEnumSymbols();
    assertThat(now.subList(0, before.size())).isEqualTo(before);
    assertThat(now).endsWith("COMMUNICATOR_OFFLINE", "WRONG_SERIAL_EXPLANT");
  }

  @Test
  void everyRecordAndFieldIsDocumented() {
    for (TopicSpec<?> spec : Topics.ALL) {
      assertDocumented(spec.valueSchema(), new java.util.HashSet<>());
    }
  }

  private static void assertDocumented(Schema schema, java.util.Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        assertThat(schema.getDoc()).as("doc of record " + schema.getFullName()).isNotBlank();
        for (Schema.Field field : schema.getFields()) {
          assertThat(field.doc()).as("doc of " + schema.getName() + "." + field.name()).isNotBlank();
          assertDocumented(field.schema(), seen);
        }
      }
      case ENUM -> assertThat(schema.getDoc()).as("doc of enum " + schema.getFullName()).isNotBlank();
      case UNION -> schema.getTypes().forEach(t -> assertDocumented(t, seen));
      case ARRAY -> assertDocumented(schema.getElementType(), seen);
      case MAP -> assertDocumented(schema.getValueType(), seen);
      default -> { }
    }
  }
}
