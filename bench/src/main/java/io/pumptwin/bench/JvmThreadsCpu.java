package io.pumptwin.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the JVM's own threads, the garbage collector's and the JIT compilers', read from Linux's
 * {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU) by thread name ({@code comm}). These threads are not
 * Java threads, so ThreadMXBean does not see them; on a two-core machine they compete with the stream thread, and a
 * contender whose code is still being compiled or whose garbage is being collected runs slower for it (issue 5).
 * Zero where {@code /proc} is not there.
 */
final class JvmThreadsCpu {
  /** CPU nanoseconds so far: the collector's threads, the JIT compilers' threads. */
  record Snapshot(long gcNanos, long jitNanos) {
    Snapshot since(Snapshot before) {
      return new Snapshot(gcNanos - before.gcNanos, jitNanos - before.jitNanos);
    }
  }

  private JvmThreadsCpu() {}

  static Snapshot now() {
    long gc = 0;
    long jit = 0;
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return new Snapshot(0, 0);
    }
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path t : threads) {
        String name;
        long nanos;
        try {
          name = Files.readString(t.resolve("comm")).strip();
          nanos = Long.parseLong(Files.readString(t.resolve("schedstat")).strip().split(" ")[0]);
        } catch (IOException | RuntimeException gone) {
          continue; // the thread ended between listing and reading
        }
        if (isGc(name)) {
          gc += nanos;
        } else if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          jit += nanos;
        }
      }
    } catch (IOException e) {
      return new Snapshot(0, 0);
    }
    return new Snapshot(gc, jit);
  }

  /** G1's threads (HotSpot's names, cut to 15 characters by the kernel): parallel, concurrent, refinement, service. */
  static boolean isGc(String name) {
    return name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread");
  }
}
