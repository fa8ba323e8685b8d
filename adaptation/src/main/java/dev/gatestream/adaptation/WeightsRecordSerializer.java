package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.clients.RegistryClients;
import dev.gatestream.contracts.RoutingWeights;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/** A weights snapshot as a RoutingWeights record keyed by policy name, for the compacted topic. */
final class WeightsRecordSerializer implements KafkaRecordSerializationSchema<PublishedWeights> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final RegistryClients registry;
  private final boolean autoRegister;
  private transient Serializer<RoutingWeights> serializer;

  WeightsRecordSerializer(String topic, RegistryClients registry, boolean autoRegister) {
    this.topic = topic;
    this.registry = registry;
    this.autoRegister = autoRegister;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    serializer = registry.serdes(autoRegister).avro(RoutingWeights.class, false).serializer();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      PublishedWeights weights, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    byte[] value = serializer.serialize(topic, headers, Conversions.weights(weights));
    return new ProducerRecord<>(
        topic,
        null,
        weights.publishedAtMs(),
        weights.policy().getBytes(StandardCharsets.UTF_8),
        value,
        headers);
  }
}
