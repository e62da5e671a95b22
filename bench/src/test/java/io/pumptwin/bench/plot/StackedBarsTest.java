package io.pumptwin.bench.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StackedBarsTest {

  @Test
  void segmentsFollowEachOtherOnALinearAxisAndTheLineSitsAtItsValue() {
    StackedBars plot = new StackedBars("t", "us", List.of(new StackedBars.Line(10, "goal")));
    String svg = plot.svg(List.of(
        new StackedBars.Bar("a", List.of(new StackedBars.Segment("x", 4), new StackedBars.Segment("y", 6))),
        new StackedBars.Bar("b", List.of(new StackedBars.Segment("y", 20)))));
    // Axis from x=300 to x=950 (980 wide, 30 right margin), 0 to 21 (the longest bar, 20, and 5% more).
    List<double[]> rects = segmentRects(svg);
    assertThat(rects).hasSize(3);
    double perUnit = 650 / 21.0;
    assertThat(rects.get(0)[0]).isEqualTo(300.0);
    assertThat(rects.get(0)[1]).isCloseTo(4 * perUnit, org.assertj.core.data.Offset.offset(0.1));
    assertThat(rects.get(1)[0]).isCloseTo(300 + 4 * perUnit, org.assertj.core.data.Offset.offset(0.1));
    assertThat(rects.get(2)[1]).isCloseTo(20 * perUnit, org.assertj.core.data.Offset.offset(0.1));
    assertThat(svg).contains(String.format(java.util.Locale.ROOT, "<line x1=\"%.1f\"", 300 + 10 * perUnit))
        .contains(">goal</text>");
    // one legend entry per label, in order of first appearance, with the same colour as its segments
    assertThat(svg).containsOnlyOnce(">x</text>").containsOnlyOnce(">y</text>");
    assertThat(svg.split("fill=\"#ff7f0e\"", -1)).hasSize(4); // y: two segments and its legend swatch
  }

  @Test
  void aSegmentCannotBeNegativeAndTextIsEscaped() {
    assertThatThrownBy(() -> new StackedBars.Segment("s", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StackedBars.Segment("s", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    String svg = new StackedBars("a < b & c", "us", List.of())
        .svg(List.of(new StackedBars.Bar("<bar>", List.of(new StackedBars.Segment("s", 1)))));
    assertThat(svg).contains("a &lt; b &amp; c").contains("&lt;bar&gt;").doesNotContain("<bar>");
  }

  @Test
  void ticksAreOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(StackedBars.niceStep(0.7)).isEqualTo(1.0);
    assertThat(StackedBars.niceStep(1.3)).isEqualTo(2.0);
    assertThat(StackedBars.niceStep(3)).isEqualTo(5.0);
    assertThat(StackedBars.niceStep(7)).isEqualTo(10.0);
    assertThat(StackedBars.niceStep(20)).isEqualTo(20.0);
  }

  /** x and width of each bar segment (the rects with a tooltip), in order. */
  private static List<double[]> segmentRects(String svg) {
    Matcher m = Pattern.compile("<rect x=\"([0-9.]+)\" y=\"[0-9]+\" width=\"([0-9.]+)\" height=\"[0-9]+\" fill=\"#[0-9a-f]+\"><title>")
        .matcher(svg);
    List<double[]> out = new ArrayList<>();
    while (m.find()) {
      out.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    return out;
  }
}
