package io.pumptwin.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real registry, at the BACKWARD compatibility every PumpTwin stack sets (LocalStack, TopicProvisioning), takes
 * each topic's schema of this release over the previous release's (the snapshots SchemaEvolutionTest checks with
 * Avro's own rules, from the schemas test jar): a deployed registry will accept the new contract, the explant's new
 * payload branch included. Each topic on a subject of its own, so the order of tests sharing the stack cannot matter.
 */
@RealKafka
class RegistryCompatibilityTest {

  static Stream<Arguments> topics() {
    return Topics.ALL.stream().map(spec -> Arguments.of(spec.name(), spec));
  }

  private static Schema previous(TopicSpec<?> spec) throws IOException {
    try (InputStream in = RegistryCompatibilityTest.class.getResourceAsStream(
        "/compatibility/previous/" + spec.name() + ".avsc")) {
      assertThat(in).as("previous release's schema of " + spec.name()).isNotNull();
      return new Schema.Parser().parse(in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topics")
  void theRealRegistryTakesThisReleaseOverThePrevious(String name, TopicSpec<?> spec, RealStack stack)
      throws IOException {
    var client = stack.registryClient();
    String subject = stack.uniqueId(name) + "-value";
    client.register(subject, previous(spec));
    client.setCompatibility(subject, "BACKWARD");

    assertThat(client.isCompatible(subject, spec.valueSchema())).isTrue();
    int id = client.register(subject, spec.valueSchema());
    assertThat(client.schemaById(id)).isEqualTo(spec.valueSchema());
  }

  /**
   * The check is real: once the explant is in the telemetry contract, going back to a schema without it is refused,
   * since that reader could not read an explant already stored.
   */
  @Test
  void theRegistryRefusesToDropTheExplantAgain(RealStack stack) throws IOException {
    var client = stack.registryClient();
    String subject = stack.uniqueId("telemetry-rollback") + "-value";
    client.register(subject, Topics.TELEMETRY.valueSchema());
    client.setCompatibility(subject, "BACKWARD");
    Schema withoutExplant = previous(Topics.TELEMETRY);

    assertThat(client.isCompatible(subject, withoutExplant)).isFalse();
    assertThatThrownBy(() -> client.register(subject, withoutExplant))
        .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class);
  }

  /**
   * The explant's retraction came in the release after the explant: a registry holding the explant's release (this
   * telemetry schema without its last payload branch) takes the retraction's at BACKWARD, and refuses going back,
   * since that reader could not read a retraction already stored.
   */
  @Test
  void theRegistryTakesTheRetractionOverTheExplantsReleaseAndRefusesDroppingIt(RealStack stack) {
    var client = stack.registryClient();
    String subject = stack.uniqueId("telemetry-retraction") + "-value";
    Schema explantRelease = withoutLastPayloadBranch(Topics.TELEMETRY.valueSchema(),
        "io.pumptwin.events.PumpExplantRetraction");
    client.register(subject, explantRelease);
    client.setCompatibility(subject, "BACKWARD");

    assertThat(client.isCompatible(subject, Topics.TELEMETRY.valueSchema())).isTrue();
    client.register(subject, Topics.TELEMETRY.valueSchema());
    assertThat(client.isCompatible(subject, explantRelease)).isFalse();
    // Registering a schema a subject already holds returns its id unchecked, so the refusal is shown on a subject
    // that holds only this release.
    String fresh = stack.uniqueId("telemetry-retraction-rollback") + "-value";
    client.register(fresh, Topics.TELEMETRY.valueSchema());
    client.setCompatibility(fresh, "BACKWARD");
    assertThatThrownBy(() -> client.register(fresh, explantRelease))
        .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class);
  }

  /** The telemetry envelope as it was before its payload union's last branch, {@code branch}, joined it. */
  private static Schema withoutLastPayloadBranch(Schema envelope, String branch) {
    java.util.List<Schema> payloads = envelope.getField("payload").schema().getTypes();
    assertThat(payloads.get(payloads.size() - 1).getFullName()).isEqualTo(branch);
    java.util.List<Schema.Field> fields = new java.util.ArrayList<>();
    for (Schema.Field f : envelope.getFields()) {
      fields.add(new Schema.Field(f, f.name().equals("payload")
          ? Schema.createUnion(payloads.subList(0, payloads.size() - 1)) : f.schema()));
    }
    Schema before = Schema.createRecord(envelope.getName(), envelope.getDoc(), envelope.getNamespace(), false, fields);
    assertThat(before.toString()).doesNotContain(branch);
    return before;
  }
}
