package io.pumptwin.reliability;

import io.pumptwin.events.StaffRole;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.query.QueryAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The twin engine as its own OS process, configured as deployed (project topics, exactly_once_v2)
 * except for a short commit interval and session timeout, so a fail-over fits in a test.
 *
 * <p>Arguments: bootstrap registryUrl stateDir applicationId queryPort.
 */
final class TwinEngineProcess {
  static final Map<String, Object> FAST_FAILOVER = Map.of("commit.interval.ms", 200,
      "consumer.session.timeout.ms", 10_000);

  /** The staff token the tests query twins with: an admin of both clinics of the synthetic fleet. */
  static final String QUERY_TOKEN = "reliability-test-admin-token";

  private TwinEngineProcess() {
  }

  public static void main(String[] args) throws IOException {
    TwinEngine engine = new TwinEngine(config(args[0], args[1], Path.of(args[2]), args[3],
        Integer.parseInt(args[4]))).start();
    System.out.println("event=child.started service=twin-engine port=" + engine.port());
    while (System.in.read() != -1) {
      // the parent holds the pipe open while it wants this instance alive
    }
    engine.close();
    System.exit(0);
  }

  static TwinEngineConfig config(String bootstrap, String registry, Path stateDir, String appId, int port) {
    return TwinEngineConfig.defaults(bootstrap, registry, stateDir).withApplicationId(appId)
        .withQueryServer(port, null).withStreamsOverrides(FAST_FAILOVER)
        .withQueryAccess(new QueryAccess(Map.of(QueryAccess.sha256(QUERY_TOKEN),
            new QueryAccess.Staff("staff-reliability-admin", StaffRole.ADMIN, Set.of("clinic-0", "clinic-1")))));
  }

  static ServiceProcess start(String name, Path log, String bootstrap, String registry, Path stateDir,
      String appId, int port) throws IOException {
    return ServiceProcess.start(name, TwinEngineProcess.class, log,
        List.of(bootstrap, registry, stateDir.toString(), appId, Integer.toString(port)));
  }
}
