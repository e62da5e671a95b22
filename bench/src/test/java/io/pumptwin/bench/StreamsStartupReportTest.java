package io.pumptwin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamsStartupReportTest {

  @Test
  void eachApplicationGetsItsMediansAndEveryRoundsFigures() {
    Map<String, StreamsStartupBenchmark.Times> times = new LinkedHashMap<>();
    times.put("alerting as shipped", new StreamsStartupBenchmark.Times(List.of(3.0, 1.0, 2.0), List.of(1.5, 0.5)));
    times.put("alerting with Kafka's defaults", new StreamsStartupBenchmark.Times(List.of(1.0, 2.0),
        List.of(44.0, 45.0)));
    String report = StreamsStartupBenchmark.report(times, 3);
    assertThat(report).contains("| alerting as shipped | 2.00 | 3.00, 1.00, 2.00 | 1.00 | 1.50, 0.50 |");
    assertThat(report).contains("| alerting with Kafka's defaults | 1.50 | 1.00, 2.00 | 44.50 | 44.00, 45.00 |");
    assertThat(report).contains("3 alternating rounds");
  }
}
