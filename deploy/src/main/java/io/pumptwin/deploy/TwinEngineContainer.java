package io.pumptwin.deploy;

import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.query.QueryAccess;
import io.pumptwin.twin.topology.TwinTopology;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the {@code pumptwin/twin-engine} image: the Kafka Streams twin topology and its
 * query API on one port. Several instances with the same {@code TWIN_APPLICATION_ID} split the
 * partitions; each tells the others where its query API is ({@code TWIN_APPLICATION_SERVER},
 * by default this container's host name and port), so any instance answers for every pump.
 */
public final class TwinEngineContainer {
  private static final Logger log = LoggerFactory.getLogger(TwinEngineContainer.class);

  private TwinEngineContainer() {}

  static TwinEngineConfig config(ContainerEnv env, String hostName) {
    int port = env.integer("TWIN_PORT", TwinEngineConfig.DEFAULT_QUERY_PORT);
    TwinEngineConfig defaults = TwinEngineConfig.defaults(env.bootstrapServers(), env.registryUrl(),
        env.path("TWIN_STATE_DIR", "/var/lib/pumptwin/twin-engine"));
    Map<String, Object> streams = new HashMap<>(defaults.streamsOverrides());
    // Applied after the engine's own settings (TwinEngine.streamsProperties).
    streams.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, env.integer("TWIN_STANDBY_REPLICAS", defaults.standbyReplicas()));
    streams.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, env.integer("TWIN_STREAM_THREADS", defaults.streamThreads()));
    // Latency against throughput: each commit is a transaction and a RocksDB flush (TwinEngine.streamsProperties).
    String commitMs = env.optional("TWIN_COMMIT_INTERVAL_MS");
    if (commitMs != null) {
      streams.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.parseInt(commitMs));
    }
    TwinEngineConfig config = defaults
        .withApplicationId(env.string("TWIN_APPLICATION_ID", defaults.applicationId()))
        .withTwinStores(twinStores(env.string("TWIN_STORES", "on-heap")))
        .withQueryServer(port, env.string("TWIN_APPLICATION_SERVER", hostName + ":" + port))
        .withStreamsOverrides(streams);
    String tokens = env.optional("STAFF_TOKENS_FILE");
    // Without a token file the query API answers nobody (QueryAccess.none()), the safe default.
    return tokens == null ? config : config.withQueryAccess(QueryAccess.load(Path.of(tokens)));
  }

  /**
   * {@code on-heap} (the default: every twin on the heap, 1-2 KB per pump as it ages), {@code hot-on-heap} (the part
   * every report rewrites on the heap, about 400 bytes per pump, the rest in RocksDB) or {@code rocksdb} (all twins on
   * disk); all changelogged.
   */
  static TwinTopology.StoreKind twinStores(String value) {
    return switch (value) {
      case "on-heap" -> TwinTopology.StoreKind.ON_HEAP;
      case "hot-on-heap" -> TwinTopology.StoreKind.HOT_ON_HEAP;
      case "rocksdb" -> TwinTopology.StoreKind.PERSISTENT_CHANGELOGGED;
      default -> throw new IllegalArgumentException("TWIN_STORES must be on-heap, hot-on-heap or rocksdb, was " + value);
    };
  }

  public static void main(String[] args) throws Exception {
    ContainerEnv env = ContainerEnv.fromSystem();
    TopicProvisioning.ifEnabled(env);
    TwinEngine engine = new TwinEngine(config(env, InetAddress.getLocalHost().getHostName())).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("event=twin-engine.stopping");
      engine.close();
      stopped.countDown();
    }, "twin-engine-shutdown"));
    stopped.await();
  }
}
