package io.pumptwin.replay;

import io.pumptwin.replay.source.FileTelemetrySource;
import io.pumptwin.replay.source.TelemetrySource;
import io.pumptwin.replay.source.TopicTelemetrySource;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where recorded telemetry is read: the topic on a cluster, or an export file. */
final class SourceOptions {
  @Option(names = "--source", defaultValue = "topic", paramLabel = "topic|file:<path>",
      description = "topic: read the telemetry topic (--topic), the staff commands of pump.alert.commands.v1 and, for when "
          + "production applied each, pump.alerts.v1 from --bootstrap (read-only, no consumer group); "
          + "file:<path>: an export file written by `pumptwin export` (no broker needed). Default: topic.")
  String source;

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--registry", defaultValue = "http://127.0.0.1:8081/apis/ccompat/v7",
      description = "Confluent-compatible schema registry API. Default: ${DEFAULT-VALUE}.")
  String registry;

  @Option(names = "--topic", description = "Telemetry topic. Default: pump.telemetry.v1.")
  String topic = Topics.TELEMETRY.name();

  TelemetrySource open() {
    if (source.startsWith("file:")) {
      return new FileTelemetrySource(Path.of(source.substring("file:".length())));
    }
    if (!source.equals("topic")) {
      throw new IllegalArgumentException("--source must be 'topic' or 'file:<path>', was '" + source + "'");
    }
    return topic();
  }

  TopicTelemetrySource topic() {
    return new TopicTelemetrySource(bootstrap, new HttpSchemaRegistryClient(RegistrySettings.of(registry)), topic,
        Map.of());
  }
}
