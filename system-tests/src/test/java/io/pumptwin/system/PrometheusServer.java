package io.pumptwin.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.testsupport.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, installed by .ci/run) run as a child process
 * with a generated configuration, and a small client of its HTTP API. Ended by its PID on close.
 */
final class PrometheusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PrometheusServer.class);
  /** Scraped every second: the test waits for one scrape of every target, not for minutes of history. */
  static final String SCRAPE_INTERVAL = "1s";

  private final Process process;
  private final int port;
  private final Path logFile;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private PrometheusServer(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  /** A scrape job: its name and the host:port targets whose /metrics it reads. */
  record Job(String name, List<String> targets) {}

  static Path binary() {
    for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    throw new IllegalStateException("no prometheus binary: install Debian's package (apt-get install prometheus);"
        + " .ci/run does");
  }

  /** The configuration file's text: one job per service, metrics path /metrics. */
  static String config(List<Job> jobs) {
    StringBuilder yaml = new StringBuilder()
        .append("global:\n")
        .append("  scrape_interval: ").append(SCRAPE_INTERVAL).append('\n')
        .append("  scrape_timeout: ").append(SCRAPE_INTERVAL).append('\n')
        .append("scrape_configs:\n");
    for (Job job : jobs) {
      yaml.append("  - job_name: ").append(job.name()).append('\n')
          .append("    metrics_path: /metrics\n")
          .append("    static_configs:\n")
          .append("      - targets: [");
      yaml.append(String.join(", ", job.targets().stream().map(t -> "'" + t + "'").toList()));
      yaml.append("]\n");
    }
    return yaml.toString();
  }

  static PrometheusServer start(Path dir, List<Job> jobs) throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, config(jobs));
    int port = FreePorts.pick(1)[0];
    Path logFile = dir.resolve("prometheus.log");
    List<String> command = new ArrayList<>(List.of(binary().toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logFile.toFile()).start();
    log.info("event=prometheus.started pid={} port={} config={}", process.pid(), port, config);
    return new PrometheusServer(process, port, logFile);
  }

  boolean alive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** GET /api/v1/... and its {@code data}; throws if Prometheus does not answer "success". */
  JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = json.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException("prometheus answered " + r.statusCode() + ": " + r.body());
    }
    return body.path("data");
  }

  /** The active targets: scrape URL and health ("up", "down", "unknown") with the last error. */
  List<JsonNode> activeTargets() throws IOException, InterruptedException {
    List<JsonNode> targets = new ArrayList<>();
    api("/api/v1/targets?state=active").path("activeTargets").forEach(targets::add);
    return targets;
  }

  /** An instant query's result vector. */
  List<JsonNode> query(String promql) throws IOException, InterruptedException {
    List<JsonNode> series = new ArrayList<>();
    api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result")
        .forEach(series::add);
    return series;
  }

  static Map<String, String> labels(JsonNode series) {
    Map<String, String> labels = new java.util.TreeMap<>();
    series.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
