package io.pumptwin.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A benchmark's results file as its history: the newest run first, the earlier runs (with their notes) below it. */
final class ResultsHistory {
  private ResultsHistory() {}

  /** Writes {@code run} at the top of {@code file}, above what the file already holds, separated by a rule. */
  static void prepend(Path file, String run) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    String earlier = Files.exists(file) ? Files.readString(file) : "";
    Files.writeString(file, earlier.isBlank() ? run : run + "\n---\n\n" + earlier);
  }
}
