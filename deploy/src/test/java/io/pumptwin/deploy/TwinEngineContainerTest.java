package io.pumptwin.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.twin.engine.TwinEngineConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The twin engine image's environment: the heap for the read cache of stored twins (TWIN_CACHE_BYTES). */
class TwinEngineContainerTest {
  private static final Map<String, String> KAFKA = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092",
      "SCHEMA_REGISTRY_URL", "http://schema-registry:8081/apis/ccompat/v7");

  @Test
  void theTwinCacheTakesAQuarterOfTheHeapUnlessToldOtherwise() {
    assertThat(TwinEngineContainer.config(new ContainerEnv(KAFKA), "twin-1").twinCacheBytes())
        .isEqualTo(TwinEngineConfig.defaultTwinCacheBytes())
        .isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(TwinEngineContainer.config(env("TWIN_CACHE_BYTES", "0"), "twin-1").twinCacheBytes()).isZero();
    assertThat(TwinEngineContainer.config(env("TWIN_CACHE_BYTES", "268435456"), "twin-1").twinCacheBytes())
        .isEqualTo(256L * 1024 * 1024);
  }

  @Test
  void aCacheSizeThatIsNotAByteCountIsRefusedByName() {
    for (String wrong : new String[] {"256MB", "-1"}) {
      assertThatThrownBy(() -> TwinEngineContainer.config(env("TWIN_CACHE_BYTES", wrong), "twin-1"))
          .hasMessageContaining("TWIN_CACHE_BYTES").hasMessageContaining(wrong);
    }
  }

  private static ContainerEnv env(String name, String value) {
    Map<String, String> vars = new HashMap<>(KAFKA);
    vars.put(name, value);
    return new ContainerEnv(vars);
  }
}
