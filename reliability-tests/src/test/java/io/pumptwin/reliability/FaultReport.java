package io.pumptwin.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fault test's outcome, written to {@code target/reliability/<name>.md} whether the test passes
 * or fails (the figures of a failing run are the ones someone must read): the fault, when it was
 * injected, what was checked, and the counts.
 */
final class FaultReport {
  private final String name;
  private final String fault;
  private final List<String> injections = new ArrayList<>();
  private final List<String> checks = new ArrayList<>();
  private final Map<String, Object> figures = new LinkedHashMap<>();

  FaultReport(String name, String fault) {
    this.name = name;
    this.fault = fault;
  }

  void injected(String what) {
    injections.add(Instant.now() + " " + what);
  }

  void checked(String what) {
    checks.add(what);
  }

  void figure(String key, Object value) {
    figures.put(key, value);
  }

  int injectionCount() {
    return injections.size();
  }

  /** Written relative to the module directory, where Maven runs the tests. */
  void write() {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(name).append("\n\n");
    md.append("Fault: ").append(fault).append("\n\n");
    md.append("Written: ").append(Instant.now()).append("\n\n## Injected (").append(injections.size())
        .append(")\n\n");
    injections.forEach(i -> md.append("- ").append(i).append('\n'));
    md.append("\n## Checked\n\n");
    checks.forEach(c -> md.append("- ").append(c).append('\n'));
    md.append("\n## Figures\n\n| figure | value |\n|---|---|\n");
    figures.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    Path dir = Path.of("target", "reliability");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".md"), md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reliability report " + name, e);
    }
  }
}
