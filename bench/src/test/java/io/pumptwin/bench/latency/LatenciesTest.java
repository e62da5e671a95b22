package io.pumptwin.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.bench.plot.StripPlot;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatenciesTest {
  private static final long MS = 1_000_000;

  @Test
  void percentilesAreNearestRankInMilliseconds() {
    // 1..100 ms, shuffled: p50 is the 50th value, p99 the 99th, max the 100th.
    long[] nanos = LongStream.rangeClosed(1, 100).map(i -> ((i * 37) % 100 + 1) * MS).toArray();
    Latencies l = Latencies.of(nanos);
    assertThat(l.count()).isEqualTo(100);
    assertThat(l.p50()).isEqualTo(50.0);
    assertThat(l.p95()).isEqualTo(95.0);
    assertThat(l.p99()).isEqualTo(99.0);
    assertThat(l.maxMs()).isEqualTo(100.0);
    assertThat(Latencies.of(new long[] {7 * MS}).p99()).isEqualTo(7.0);
    assertThat(Latencies.of(List.of()).p50()).isNaN();
  }

  @Test
  void aPlotRowSamplesByRankKeepsTheMaximumAndMarksP50AndP99() {
    Latencies l = Latencies.of(LongStream.rangeClosed(1, 1000).map(i -> i * MS).toArray());
    StripPlot.Row row = l.row("e2e", 100);
    assertThat(row.label()).isEqualTo("e2e (n=1000)");
    assertThat(row.points()).hasSizeBetween(100, 101);
    assertThat(row.points()).first().isEqualTo(new StripPlot.Value(1.0));
    assertThat(row.points()).last().isEqualTo(new StripPlot.Value(1000.0));
    assertThat(row.marks()).containsExactly(new StripPlot.Tick(500.0, "p50"), new StripPlot.Tick(990.0, "p99"));
  }
}
