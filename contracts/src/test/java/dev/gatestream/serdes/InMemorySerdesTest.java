package dev.gatestream.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.topics.Topics;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class InMemorySerdesTest {

  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();

  @Test
  void writesTheConfluentWireFormatAndReadsItBack() {
    InferenceRequest request =
        InferenceRequest.newBuilder()
            .setId("r1")
            .setCreatedAtMs(1)
            .setDeadlineMs(2)
            .setText("hello")
            .setAttributes(Map.of("k", "v"))
            .build();
    Serde<InferenceRequest> serde = serdes.valueSerde(new Topics("t-", 1, (short) 1).requests());

    byte[] bytes = serde.serializer().serialize("t-requests", request);

    assertThat(bytes[0]).isZero();
    assertThat(serde.deserializer().deserialize("t-requests", bytes)).isEqualTo(request);
  }

  @Test
  void garbageIsASerializationErrorNotACrash() {
    Serde<Feedback> serde = serdes.avro(Feedback.class, false);
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("magic byte");
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0, 99, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema id 99");
  }
}
