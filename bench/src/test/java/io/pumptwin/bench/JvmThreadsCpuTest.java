package io.pumptwin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The collector's and the JIT's CPU, read from /proc (the benchmarks run on Linux, as CI does). */
class JvmThreadsCpuTest {

  @Test
  void aCollectionShowsUpAsCollectorTimeAndTheJitHasCompiledSomething() {
    JvmThreadsCpu.Snapshot before = JvmThreadsCpu.now();
    List<byte[]> kept = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 20_000; i++) {
        kept.add(new byte[512]);
      }
      System.gc(); // a full collection copies and marks what is kept: collector threads' time
      kept.subList(0, kept.size() / 2).clear();
    }
    JvmThreadsCpu.Snapshot after = JvmThreadsCpu.now();

    assertThat(after.since(before).gcNanos()).isPositive();
    assertThat(after.jitNanos()).isPositive();
    assertThat(kept).isNotEmpty();
  }

  @Test
  void hotspotsCollectorThreadsAreTheOnesCounted() {
    assertThat(List.of("GC Thread#0", "G1 Conc#0", "G1 Refine#0", "G1 Main Marker", "VM Thread"))
        .allMatch(JvmThreadsCpu::isGc);
    assertThat(List.of("C2 CompilerThre", "main", "kafka-producer-")).noneMatch(JvmThreadsCpu::isGc);
  }
}
