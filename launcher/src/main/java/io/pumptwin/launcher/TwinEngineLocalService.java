package io.pumptwin.launcher;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.query.QueryAccess;
import java.nio.file.Path;
import java.util.List;

/** The twin engine (Kafka Streams) and its query API, open to the staff of the token file. */
final class TwinEngineLocalService implements LocalService {
  private final int port;
  private final Path dataDir;
  private final Path tokensFile;
  private TwinEngine engine;

  TwinEngineLocalService(int port, Path dataDir, Path tokensFile) {
    this.port = port;
    this.dataDir = dataDir;
    this.tokensFile = tokensFile;
  }

  @Override
  public String name() {
    return "twin-engine";
  }

  @Override
  public void start(LocalStack stack) {
    TwinEngineConfig config = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dataDir.resolve("twin-engine-state"))
        .withQueryServer(port, "127.0.0.1:" + port)
        .withQueryAccess(QueryAccess.load(tokensFile));
    engine = new TwinEngine(config).start();
  }

  @Override
  public List<String> endpoints() {
    String base = "http://127.0.0.1:" + engine.port();
    return List.of(base + "/v1/pumps/{serial}", base + "/v1/pumps?clinic=&risk=&refillDueBefore=",
        base + "/metrics  (Authorization: Bearer <staff token> on /v1)");
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
