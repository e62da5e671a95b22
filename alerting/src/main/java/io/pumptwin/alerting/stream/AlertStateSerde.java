package io.pumptwin.alerting.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pumptwin.alerting.lifecycle.Alert;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Open alerts in the state store and its changelog, as JSON: internal to this service (no other
 * service reads the changelog), readable when debugging, and tolerant of added fields.
 */
final class AlertStateSerde implements Serde<Alert> {
  private final ObjectMapper json = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Override
  public Serializer<Alert> serializer() {
    return (topic, alert) -> {
      if (alert == null) {
        return null;
      }
      try {
        return json.writeValueAsBytes(alert);
      } catch (IOException e) {
        throw new SerializationException("cannot write alert state " + alert.alertId(), e);
      }
    };
  }

  @Override
  public Deserializer<Alert> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return json.readValue(bytes, Alert.class);
      } catch (IOException e) {
        throw new SerializationException("cannot read alert state from " + topic, e);
      }
    };
  }
}
