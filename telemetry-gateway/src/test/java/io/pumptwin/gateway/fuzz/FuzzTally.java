package io.pumptwin.gateway.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fuzz run sent and what came back, counted as the README's reliability report quotes it.
 * Thread-safe: responses arrive on the HTTP client's threads.
 */
final class FuzzTally {
  private final Map<String, Long> inputsByCategory = new TreeMap<>();
  private final Map<Integer, Long> byStatus = new TreeMap<>();
  private final Map<String, Long> refusedByReason = new TreeMap<>();
  private final List<String> violations = new ArrayList<>();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong acceptedEvents = new AtomicLong();
  final AtomicLong duplicateEvents = new AtomicLong();
  final AtomicLong rejectedEvents = new AtomicLong();
  final AtomicLong serverErrors = new AtomicLong();
  final AtomicLong backPressure = new AtomicLong();
  final AtomicLong expectedDeadLetters = new AtomicLong();
  /** 401 and 413 responses: dead-lettered one by one within the per-address rate, summarised beyond. */
  final AtomicLong doorRefusals = new AtomicLong();

  synchronized void input(String category) {
    inputsByCategory.merge(category, 1L, Long::sum);
  }

  synchronized void status(int status) {
    byStatus.merge(status, 1L, Long::sum);
  }

  synchronized void refused(String reason) {
    refusedByReason.merge(reason, 1L, Long::sum);
  }

  synchronized void violation(String what) {
    violations.add(what);
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  synchronized long inputs() {
    return inputsByCategory.values().stream().mapToLong(Long::longValue).sum();
  }

  synchronized long refusedRequests() {
    return byStatus.entrySet().stream().filter(e -> e.getKey() >= 400).mapToLong(Map.Entry::getValue).sum();
  }

  synchronized String summaryLine(long deadLettered, long seed) {
    return "gateway fuzz: inputs=" + inputs() + " requests=" + requests.get() + " seed=" + seed
        + " status=" + byStatus + " acceptedEvents=" + acceptedEvents.get()
        + " duplicateEvents=" + duplicateEvents.get() + " rejectedEvents=" + rejectedEvents.get()
        + " refusedRequests=" + refusedRequests() + " 5xx=" + serverErrors.get()
        + " (declared back-pressure " + backPressure.get() + ")"
        + " deadLettered=" + deadLettered + " expectedDeadLetters=" + expectedDeadLetters.get()
        + " violations=" + violations.size();
  }

  synchronized void writeMarkdown(Path file, long deadLettered, long seed, String command,
      List<String> afterwards) {
    StringBuilder md = new StringBuilder();
    md.append("# Telemetry gateway fuzzing\n\n");
    md.append("Real gateway over HTTP, real Kafka broker and Apicurio registry. Seed ").append(seed)
        .append(". Reproduce: `").append(command).append("`\n\n");
    md.append("| inputs | requests | events accepted | duplicates | events refused | requests refused"
        + " | 5xx | of which declared back-pressure (503 + Retry-After) | dead-lettered | violations |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append("| ").append(inputs()).append(" | ").append(requests.get()).append(" | ")
        .append(acceptedEvents.get()).append(" | ").append(duplicateEvents.get()).append(" | ")
        .append(rejectedEvents.get()).append(" | ").append(refusedRequests()).append(" | ")
        .append(serverErrors.get()).append(" | ").append(backPressure.get()).append(" | ")
        .append(deadLettered).append(" | ").append(violations.size()).append(" |\n\n");
    md.append("## Inputs by category\n\n| category | inputs |\n|---|---:|\n");
    inputsByCategory.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Responses by HTTP status\n\n| status | responses |\n|---|---:|\n");
    byStatus.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Refusals by reason\n\nRequests refused as a whole by their problem `code` (or"
        + " problem type when there is no code), and events refused inside a 202 batch.\n\n"
        + "| reason | count |\n|---|---:|\n");
    refusedByReason.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Afterwards\n\n");
    afterwards.forEach(a -> md.append("- ").append(a).append('\n'));
    if (!violations.isEmpty()) {
      md.append("\n## Violations (first 50)\n\n");
      violations.stream().limit(50).forEach(v -> md.append("- ").append(v).append('\n'));
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, md.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
