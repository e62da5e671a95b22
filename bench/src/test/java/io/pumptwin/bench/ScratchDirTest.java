package io.pumptwin.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirTest {
  @Test
  void deletesTheWholeTreeWhenClosedEvenAfterAFailure() throws Exception {
    Path[] kept = new Path[1];
    try (ScratchDir scratch = ScratchDir.create("pumptwin-scratch-test-")) {
      kept[0] = scratch.path();
      Path log = Files.createDirectories(scratch.resolve("kafka/bench-0"));
      Files.writeString(log.resolve("00000000000000000000.log"), "records");
      Files.writeString(scratch.resolve("devices.json"), "{}");
      assertTrue(Files.exists(log));
      throw new IllegalStateException("the benchmark failed");
    } catch (IllegalStateException expected) {
      // the directory must be gone anyway
    }
    assertFalse(Files.exists(kept[0]), "scratch directory left behind: " + kept[0]);
  }
}
