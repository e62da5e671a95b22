package io.pumptwin.launcher;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.embedded.LocalStack;
import java.nio.file.Path;
import java.util.List;

/** Alert lifecycle, notifications and the alert API with its live stream. */
final class AlertingLocalService implements LocalService {
  private final int port;
  private final Path dataDir;
  private final Path tokensFile;
  private AlertingService service;

  AlertingLocalService(int port, Path dataDir, Path tokensFile) {
    this.port = port;
    this.dataDir = dataDir;
    this.tokensFile = tokensFile;
  }

  @Override
  public String name() {
    return "alerting";
  }

  @Override
  public void start(LocalStack stack) throws Exception {
    AlertingConfig config = AlertingConfig.local(stack.bootstrapServers(), dataDir, tokensFile, null, null)
        .withApiPort(port);
    service = new AlertingService(config, stack.topicRegistry());
    service.start();
  }

  /** The registry alerting's /metrics serves; the dashboard, in the same process, puts its meters there too. */
  io.micrometer.core.instrument.MeterRegistry meters() {
    return service.meters();
  }

  @Override
  public List<String> endpoints() {
    String base = "http://127.0.0.1:" + service.apiPort();
    return List.of(base + "/v1/alerts", base + "/v1/alerts/stream (SSE)", base + "/metrics");
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
    }
  }
}
