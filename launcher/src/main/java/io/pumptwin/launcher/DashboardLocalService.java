package io.pumptwin.launcher;

import io.micrometer.core.instrument.MeterRegistry;
import io.pumptwin.dashboard.DashboardConfig;
import io.pumptwin.dashboard.DashboardService;
import io.pumptwin.embedded.LocalStack;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** The web dashboard, signing staff in with the same token file as the alert API; its meters on alerting's /metrics. */
final class DashboardLocalService implements LocalService {
  private final int port;
  private final Path tokensFile;
  private final Supplier<MeterRegistry> meters;
  private DashboardService service;

  /** @param meters the registry of the alerting service started before this one (its /metrics serves them) */
  DashboardLocalService(int port, Path tokensFile, Supplier<MeterRegistry> meters) {
    this.port = port;
    this.tokensFile = tokensFile;
    this.meters = meters;
  }

  @Override
  public String name() {
    return "dashboard";
  }

  @Override
  public void start(LocalStack stack) throws Exception {
    service = new DashboardService(DashboardConfig.local(stack.bootstrapServers(), tokensFile).withPort(port),
        stack.topicRegistry(), Clock.systemUTC(), meters.get());
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
