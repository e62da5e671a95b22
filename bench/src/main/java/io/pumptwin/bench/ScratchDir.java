package io.pumptwin.bench;

import io.pumptwin.embedded.TempTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A benchmark's temporary directory (broker logs, registry, state stores), deleted when the benchmark ends, also
 * when it fails. A throughput run leaves gigabytes of changelogs: left behind, a few dozen runs filled the disk and
 * the next benchmark's broker failed with "No space left on device".
 *
 * <p>Declare it before the stack in the same try-with-resources, so the broker is stopped before its files go.
 */
public final class ScratchDir implements AutoCloseable {
  private final Path path;

  private ScratchDir(Path path) {
    this.path = path;
  }

  public static ScratchDir create(String prefix) throws IOException {
    return new ScratchDir(Files.createTempDirectory(prefix));
  }

  public Path path() {
    return path;
  }

  public Path resolve(String other) {
    return path.resolve(other);
  }

  @Override
  public void close() {
    TempTree.delete(path);
  }
}
