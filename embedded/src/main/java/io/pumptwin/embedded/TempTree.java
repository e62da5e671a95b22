package io.pumptwin.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a temporary directory tree (a broker's logs, a registry's distribution, state stores): the embedded stack,
 * the real-broker test stack and the benchmarks all leave gigabytes behind otherwise. Best effort: a file that cannot
 * be deleted is logged and the rest still goes.
 */
public final class TempTree {
  private static final Logger log = LoggerFactory.getLogger(TempTree.class);

  private TempTree() {}

  public static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.warn("event=delete.failed path={} error={}", p, e.toString());
        }
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      log.warn("event=delete.failed path={} error={}", dir, e.toString());
    }
  }
}
