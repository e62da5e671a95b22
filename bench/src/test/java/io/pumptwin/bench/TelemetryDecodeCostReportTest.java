package io.pumptwin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TelemetryDecodeCostReportTest {

  @Test
  void theBaselineComesFirstAndEachReaderHasItsRatioToIt() {
    // best times by reader index: 0 the product, 1 Avro's fast reader (baseline), 2 Avro's generated coders
    String report = TelemetryDecodeCost.render(200_000, 130.4, new double[] {72, 273, 416});
    assertThat(report).contains("200,000 records").contains("130 bytes each");
    int baseline = report.indexOf("| Avro's fast reader, as the deserializer read telemetry before (baseline) | 273 | 1.00 |");
    int product = report.indexOf("| product: the deserializer (header, TelemetryEnvelopeReader) | 72 | 3.79 |");
    int coders = report.indexOf("| Avro's reader with the generated custom coders (ResolvingDecoder) | 416 | 0.66 |");
    assertThat(baseline).isPositive().isLessThan(product);
    assertThat(product).isLessThan(coders);
  }
}
