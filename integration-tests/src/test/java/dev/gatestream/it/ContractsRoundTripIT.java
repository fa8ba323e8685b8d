package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.Contracts;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every contract survives a trip through a real topic in the Confluent wire format. */
@ExtendWith(GatestreamStackExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContractsRoundTripIT {

  private final StackEndpoints stack;

  ContractsRoundTripIT(StackEndpoints stack) {
    this.stack = stack;
  }

  static Stream<Named<SpecificRecord>> samples() {
    return SampleRecords.everyType("req-1").stream()
        .map(record -> Named.of(record.getClass().getSimpleName(), record));
  }

  @Test
  void samplesCoverEveryContract() {
    assertThat(SampleRecords.everyType("req-1"))
        .extracting(Object::getClass)
        .containsAll(Contracts.RECORD_TYPES);
  }

  /**
   * One topic per sample: a topic's subject holds one record type, as in Gatestream's catalogue.
   */
  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("samples")
  void roundTripsThroughARealTopicAndRegistry(SpecificRecord record) throws Exception {
    String topic = TestNames.unique("round-trip-" + record.getClass().getSimpleName());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    sendAndReceive(GatestreamSerdes.registry(stack.registryUrl(), true), topic, record);
  }

  @SuppressWarnings("unchecked")
  private void sendAndReceive(GatestreamSerdes serdes, String typeTopic, SpecificRecord record) {
    Serde<SpecificRecord> serde =
        (Serde<SpecificRecord>) (Serde<?>) serdes.avro(record.getClass(), false);
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("round-trip-tx"));
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), serde.serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(typeTopic, "key", record));
      producer.commitTransaction();
    }

    byte[] payload = consumeOne(typeTopic);
    // Confluent wire format: magic byte 0, then the 4-byte schema id the ccompat API knows.
    assertThat(payload[0]).isEqualTo((byte) 0);
    int schemaId = ByteBuffer.wrap(payload, 1, 4).getInt();
    SchemaRegistryAdmin registry =
        new SchemaRegistryAdmin(stack.registryUrl(), Duration.ofSeconds(10));
    assertThat(registry.schemaById(schemaId)).isEqualTo(Contracts.schemaOf(record.getClass()));
    assertThat(registry.subjects()).contains(typeTopic + "-value");

    SpecificRecord received = serde.deserializer().deserialize(typeTopic, payload);
    assertThat(received).isEqualTo(record);
  }

  private byte[] consumeOne(String fromTopic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, TestNames.unique("round-trip-reader"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Set.of(fromTopic));
      List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
      while (received.isEmpty()) {
        consumer.poll(Duration.ofMillis(500)).forEach(received::add);
      }
      assertThat(received).hasSize(1);
      return received.get(0).value();
    }
  }
}
