package io.pumptwin.bench.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StripPlotTest {
  private final StripPlot plot = new StripPlot("latency", 1, 1000,
      List.of(new StripPlot.Tick(1, "1 ms"), new StripPlot.Tick(1000, "1 s")));

  @Test
  void aValueSitsOnTheLogAxisBetweenItsEndsAndOutOfRangeValuesAreDrawnAtTheEnds() {
    String svg = plot.svg(List.of(new StripPlot.Row("r", List.of(new StripPlot.Value(1), new StripPlot.Value(31.6),
        new StripPlot.Value(1000), new StripPlot.Value(0.001), new StripPlot.Value(1e9)))));
    List<Double> xs = circleXs(svg);
    // Axis from x=260 to x=870 (900 wide, 30 right margin): 1 at the left end, 1000 at the right, 31.6 half way.
    assertThat(xs).hasSize(5);
    assertThat(xs.get(0)).isEqualTo(260.0);
    assertThat(xs.get(1)).isCloseTo(565.0, org.assertj.core.data.Offset.offset(0.5));
    assertThat(xs.get(2)).isEqualTo(870.0);
    assertThat(xs.get(3)).isEqualTo(260.0);
    assertThat(xs.get(4)).isEqualTo(870.0);
  }

  @Test
  void missedPointsAreCrossesRedOrGreyAndMarksAreLabelledBars() {
    String svg = plot.svg(List.of(new StripPlot.Row("r", List.of(new StripPlot.Missed(false),
        new StripPlot.Missed(true)), List.of(new StripPlot.Tick(10, "p50")))));
    assertThat(svg).contains("stroke=\"#d62728\"").contains("stroke=\"#999\"").contains(">p50</text>")
        .doesNotContain("<circle");
    assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("height=\"116\"");
  }

  @Test
  void aLogAxisNeedsAPositiveRange() {
    assertThatThrownBy(() -> new StripPlot("t", 0, 10, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StripPlot("t", 10, 10, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Double> circleXs(String svg) {
    Matcher m = Pattern.compile("<circle cx=\"([0-9.]+)\"").matcher(svg);
    List<Double> xs = new java.util.ArrayList<>();
    while (m.find()) {
      xs.add(Double.parseDouble(m.group(1)));
    }
    return xs;
  }
}
