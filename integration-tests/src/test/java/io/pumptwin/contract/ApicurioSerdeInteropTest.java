package io.pumptwin.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.fixtures.SampleRecords;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our wire format is the Confluent one, not a private dialect: Apicurio's own serdes, configured
 * for the Confluent id handler and talking to the same registry through Apicurio's native API,
 * read what we write, and we read what they write.
 */
@RealKafka
class ApicurioSerdeInteropTest {

  private static Map<String, Object> apicurioConfig(RealStack stack) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL,
        stack.registryUrl().replace("/apis/ccompat/v7", "/apis/registry/v2"));
    // Magic byte + 4-byte id in the payload, no headers: the Confluent wire format.
    config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
    config.put(SerdeConfig.ENABLE_HEADERS, false);
    // The Confluent-compatible API hands out content ids.
    config.put(SerdeConfig.USE_ID, "contentId");
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "RETURN_OR_UPDATE");
    config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    return config;
  }

  @Test
  void apicurioReadsWhatWeWrite(RealStack stack) {
    Topic<TelemetryEnvelope> topic = stack.topicRegistry().topic(Topics.TELEMETRY);
    TelemetryEnvelope record = SampleRecords.refill(stack.uniqueId("NGP"), 11);
    byte[] ours = topic.valueSerde().serializer().serialize(topic.name(), record);

    try (var theirs = new AvroKafkaDeserializer<TelemetryEnvelope>()) {
      theirs.configure(apicurioConfig(stack), false);
      assertThat(theirs.deserialize(topic.name(), ours)).isEqualTo(record);
    }
  }

  @Test
  void weReadWhatApicurioWrites(RealStack stack) {
    Topic<TwinState> topic = stack.topicRegistry().topic(Topics.TWIN_STATE);
    TwinState record = SampleRecords.twinState(stack.uniqueId("NGP"));

    byte[] theirBytes;
    try (var theirs = new AvroKafkaSerializer<TwinState>()) {
      theirs.configure(apicurioConfig(stack), false);
      theirBytes = theirs.serialize(topic.name(), record);
    }

    assertThat(theirBytes[0]).isZero();
    assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), theirBytes))
        .isEqualTo(record);
  }
}
