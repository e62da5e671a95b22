package io.pumptwin.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.gateway.validation.Rejection;
import io.pumptwin.gateway.validation.TelemetryValidator;
import io.pumptwin.gateway.validation.ValidationRules;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The gateway's input path (JSON body, event mapping, validation) as properties, in-process and
 * with jqwik's shrinking, so a failure comes back as the smallest input that breaks it. What must
 * hold: no input makes the path throw (a throw is a 500 at the gateway), and every refusal names
 * a code and a reason a device developer can act on. {@link GatewayFuzzTest} sends the same kinds
 * of input to the real gateway over HTTP.
 */
class TelemetryInputPropertiesTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private final TelemetryJson mapper = new TelemetryJson();
  private final TelemetryValidator validator = new TelemetryValidator(ValidationRules.defaults());

  @Property(tries = 200)
  void aWellFormedEventOfEveryKindIsAccepted(@ForAll("valid") ObjectNode event) {
    assertThat(refusals(TelemetryArbitraries.bytes(event))).isEmpty();
  }

  @Property(tries = 800)
  void anyBodyIsAcceptedOrRefusedWithReasons(@ForAll("bodies") byte[] body) {
    explainedOrAccepted(body);
  }

  @Property(tries = 800)
  void anEventWithAHostileFieldIsAcceptedOrRefusedWithReasons(@ForAll("hostile") ObjectNode event) {
    explainedOrAccepted(TelemetryArbitraries.bytes(event));
  }

  @Property(tries = 500)
  void aMutatedValidEventIsAcceptedOrRefusedWithReasons(@ForAll("valid") ObjectNode event,
      @ForAll long seed) {
    Mutator mutator = new Mutator(new Random(seed));
    byte[] valid = TelemetryArbitraries.bytes(event);
    explainedOrAccepted(mutator.mutateBytes(valid));
    explainedOrAccepted(mutator.mutateJsonText(valid));
  }

  @Provide
  Arbitrary<ObjectNode> valid() {
    return Arbitraries.longs().between(0, 1_000_000)
        .flatMap(seq -> TelemetryArbitraries.validEvent("NGP" + seq, seq, NOW));
  }

  @Provide
  Arbitrary<ObjectNode> hostile() {
    return Arbitraries.oneOf(
        TelemetryArbitraries.eventWithOneHostileField("NGP1", 1, NOW),
        TelemetryArbitraries.eventWithExtremeNumber("NGP1", 1, NOW),
        TelemetryArbitraries.eventWithShapeChange("NGP1", 1, NOW));
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return TelemetryArbitraries.randomBody();
  }

  private void explainedOrAccepted(byte[] body) {
    for (Rejection r : refusals(body)) {
      assertThat(r.code()).isNotNull();
      assertThat(r.reason()).as("reason of %s", r).isNotBlank();
      assertThat(r.describe()).isNotBlank();
    }
  }

  /** The refusals the gateway's input path gives a body, or none when it would store the events. */
  private List<Rejection> refusals(byte[] body) {
    TelemetryJson.Body parsed = mapper.parseBody(body);
    if (parsed instanceof TelemetryJson.Body.Malformed m) {
      return List.of(m.rejection());
    }
    return ((TelemetryJson.Body.Events) parsed).events().stream().flatMap(raw -> {
      TelemetryJson.Mapped mapped = mapper.map(raw.node());
      if (mapped instanceof TelemetryJson.Mapped.Invalid invalid) {
        assertThat(invalid.rejections()).as("an invalid event names why").isNotEmpty();
        return invalid.rejections().stream();
      }
      return validator.validate(((TelemetryJson.Mapped.Ok) mapped).event(), NOW).stream();
    }).toList();
  }
}
