package io.pumptwin.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.twin.topology.TwinTopology;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The twin engine container's settings from its environment. */
class TwinEngineContainerTest {
  private static final Map<String, String> CLUSTER = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
      "SCHEMA_REGISTRY_URL", "http://registry:8080/apis/ccompat/v7");

  @Test
  void twinsLiveOnTheHeapUnlessToldOtherwise() {
    assertThat(TwinEngineContainer.config(env(Map.of()), "host").twinStores())
        .isEqualTo(TwinTopology.StoreKind.ON_HEAP);
    assertThat(TwinEngineContainer.config(env(Map.of("TWIN_STORES", "hot-on-heap")), "host").twinStores())
        .isEqualTo(TwinTopology.StoreKind.HOT_ON_HEAP);
    assertThat(TwinEngineContainer.config(env(Map.of("TWIN_STORES", "rocksdb")), "host").twinStores())
        .isEqualTo(TwinTopology.StoreKind.PERSISTENT_CHANGELOGGED);
    assertThatThrownBy(() -> TwinEngineContainer.config(env(Map.of("TWIN_STORES", "memory")), "host"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on-heap, hot-on-heap or rocksdb");
  }

  private static ContainerEnv env(Map<String, String> extra) {
    Map<String, String> vars = new HashMap<>(CLUSTER);
    vars.putAll(extra);
    return new ContainerEnv(vars);
  }
}
