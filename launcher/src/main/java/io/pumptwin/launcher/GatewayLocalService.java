package io.pumptwin.launcher;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import java.nio.file.Path;
import java.util.List;

/** The telemetry gateway on the embedded stack, devices provisioned in a file under the data dir. */
final class GatewayLocalService implements LocalService {
  private final int port;
  private final Path deviceFile;
  private TelemetryGateway gateway;

  GatewayLocalService(int port, Path deviceFile) {
    this.port = port;
    this.deviceFile = deviceFile;
  }

  @Override
  public String name() {
    return "telemetry-gateway";
  }

  @Override
  public void start(LocalStack stack) {
    GatewayConfig config = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), deviceFile)
        .withListener("127.0.0.1", port);
    gateway = new TelemetryGateway(config).start();
  }

  int port() {
    return gateway.port();
  }

  @Override
  public List<String> endpoints() {
    String base = "http://127.0.0.1:" + gateway.port();
    return List.of(base + "/v1/telemetry (devices file " + deviceFile + ")", base + "/openapi",
        base + "/metrics");
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    }
  }
}
