package io.pumptwin.launcher;

import io.pumptwin.dashboard.DashboardConfig;
import io.pumptwin.dashboard.DashboardService;
import io.pumptwin.embedded.LocalStack;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The web dashboard, signing staff in with the same token file as the alert API. */
final class DashboardLocalService implements LocalService {
  private final int port;
  private final Path tokensFile;
  private DashboardService service;

  DashboardLocalService(int port, Path tokensFile) {
    this.port = port;
    this.tokensFile = tokensFile;
  }

  @Override
  public String name() {
    return "dashboard";
  }

  @Override
  public void start(LocalStack stack) throws Exception {
    service = new DashboardService(DashboardConfig.local(stack.bootstrapServers(), tokensFile).withPort(port),
        stack.topicRegistry(), Clock.systemUTC());
    service.start();
  }

  @Override
  public List<String> endpoints() {
    return List.of(service.url() + "  (sign in with a staff token below)");
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
    }
  }
}
