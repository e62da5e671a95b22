package io.pumptwin.launcher;

import io.pumptwin.embedded.LocalStack;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code pumptwin local} was asked to run, built once from the command line.
 *
 * @param kafkaPort Kafka client port on 127.0.0.1
 * @param controllerPort KRaft controller port on 127.0.0.1
 * @param registryPort schema registry HTTP port on 127.0.0.1
 * @param dataDir broker log and registry database; kept across runs
 * @param registryArchive Apicurio Registry's distribution tar.gz
 * @param cacheDir where that archive is unpacked
 */
public record LocalSettings(int kafkaPort, int controllerPort, int registryPort, Path dataDir,
    Path registryArchive, Path cacheDir) {

  public LocalSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(registryArchive, "registryArchive");
    Objects.requireNonNull(cacheDir, "cacheDir");
  }

  public LocalStack.Settings stack() {
    return new LocalStack.Settings(kafkaPort, controllerPort, registryPort,
        dataDir.toAbsolutePath().normalize(), registryArchive, cacheDir);
  }
}
