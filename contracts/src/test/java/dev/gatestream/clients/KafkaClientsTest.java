package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  private static KafkaClients clients(
      Map<String, String> settings, Map<String, String> environment) {
    GatestreamConfig config = new ConfigLoader(environment).load(null, settings);
    return new KafkaClients(config, "broker:9092");
  }

  @Test
  void passThroughReachesEveryKindAndTheNarrowedOneWins() {
    KafkaClients clients =
        clients(
            Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.linger.ms", "20",
                "kafka.producer.linger.ms", "50",
                "kafka.streams.num.standby.replicas", "1"),
            Map.of());

    Properties producer = clients.producerProperties("p", Map.of("linger.ms", 1));
    assertThat(producer)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "50")
        .doesNotContainKey("producer.linger.ms")
        .doesNotContainKey("streams.num.standby.replicas");
    assertThat(clients.consumerProperties("c", "g", Map.of()))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "20")
        .containsEntry("group.id", "g");
    assertThat(clients.adminProperties("a")).containsEntry("security.protocol", "SASL_SSL");
    assertThat(clients.streamsProperties("app", Path.of("/state")))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("num.standby.replicas", "1")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("application.id", "app");
  }

  @Test
  void aConfiguredInstanceIdMakesGroupMembershipStaticAndTheTimeoutsAreTuned() {
    KafkaClients clients = clients(Map.of(GatestreamConfig.CLIENT_INSTANCE_ID, "node-a"), Map.of());

    Properties streams = clients.streamsProperties("app", Path.of("/state"));
    assertThat(streams)
        .containsEntry("main.consumer.group.instance.id", "node-a")
        .containsEntry("main.consumer.session.timeout.ms", 15_000)
        .containsEntry("producer.transaction.timeout.ms", 10_000);
    // Kafka Streams gives each stream thread's consumer its own id from it.
    assertThat(new StreamsConfig(streams).getMainConsumerConfigs("app", "app-t", 2))
        .containsEntry("group.instance.id", "node-a-2")
        .containsEntry("session.timeout.ms", 15_000);
    assertThat(clients.staticMembership("0")).containsEntry("group.instance.id", "node-a-0");
    assertThat(clients.consumerProperties("c", "g", clients.staticMembership("1")))
        .containsEntry("group.instance.id", "node-a-1")
        .containsEntry("session.timeout.ms", 15_000);
  }

  @Test
  void withoutAnInstanceIdMembershipStaysDynamic() {
    KafkaClients clients = clients(Map.of(), Map.of());

    assertThat(clients.staticMembership("0")).isEmpty();
    assertThat(
            new StreamsConfig(clients.streamsProperties("app", Path.of("/state")))
                .getMainConsumerConfigs("app", "app-t", 1))
        .doesNotContainKey("group.instance.id");
    assertThat(clients.consumerProperties("c", null, Map.of()))
        .doesNotContainKey("session.timeout.ms");
  }

  @Test
  void everyStreamsStageDeadLettersWhatItCannotReadOrWriteWithItsOwnWriteFailures() {
    KafkaClients clients = clients(Map.of(GatestreamConfig.TOPIC_PREFIX, "t-"), Map.of());

    Properties router = clients.streamsProperties("t-router", Path.of("/state"));
    Properties fusion = clients.streamsProperties("t-fusion", Path.of("/state"));

    assertThat(router)
        .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "t-dead-letters")
        .containsEntry(
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterProductionHandler.class.getName())
        .containsEntry(
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterDeserializationHandler.class.getName());
    WriteFailures routerFailures = WriteFailures.in(toMap(router)).orElseThrow();
    assertThat(WriteFailures.in(toMap(fusion))).get().isNotSameAs(routerFailures);
    // Kafka Streams hands the same instance to the handlers it makes.
    ProductionExceptionHandler handler = new StreamsConfig(router).productionExceptionHandler();
    handler.handleError(
        StreamsErrorContext.ofTask("t-requests", 0, 1),
        new ProducerRecord<>("t-decisions", "r1".getBytes(StandardCharsets.UTF_8), new byte[10]),
        new RecordTooLargeException("too large"));
    assertThat(routerFailures.take("t-decisions", "r1")).isPresent();
  }

  private static Map<String, Object> toMap(Properties properties) {
    Map<String, Object> map = new java.util.HashMap<>();
    properties.forEach((key, value) -> map.put((String) key, value));
    return map;
  }

  @Test
  void callerTuningWinsOverDefaultsAndIdentityOverThePassThrough() {
    KafkaClients clients =
        clients(
            Map.of(
                "kafka.client.id",
                "mine",
                "kafka.bootstrap.servers",
                "elsewhere:1",
                "kafka.consumer.group.id",
                "theirs"),
            Map.of());

    Properties consumer =
        clients.consumerProperties("reader", "ours", Map.of("auto.offset.reset", "latest"));

    assertThat(consumer)
        .containsEntry("auto.offset.reset", "latest")
        .containsEntry("client.id", "reader")
        .containsEntry("bootstrap.servers", "broker:9092")
        .containsEntry("group.id", "ours")
        .containsEntry("isolation.level", "read_committed");
  }

  @Test
  void environmentVariablesPassThroughAsKafkaSettings() {
    KafkaClients clients =
        clients(
            Map.of(),
            Map.of(
                "GATESTREAM_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "GATESTREAM_KAFKA_PRODUCER_COMPRESSION_TYPE",
                "lz4"));

    assertThat(clients.producerProperties("p", Map.of()))
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("compression.type", "lz4");
    assertThat(clients.consumerProperties("c", null, Map.of()))
        .doesNotContainKey("compression.type")
        .doesNotContainKey("group.id");
  }

  @Test
  void idsComeFromTheTopicPrefix() {
    ClientIds ids = new ClientIds("team-a-");

    assertThat(ids.router()).isEqualTo("team-a-router");
    assertThat(ids.fusion()).isEqualTo("team-a-fusion");
    assertThat(ids.adaptation()).isEqualTo("team-a-adaptation");
    assertThat(ids.expert("meta/llama-2-70b-chat"))
        .isEqualTo("team-a-expert-meta_2Fllama-2-70b-chat");
    assertThat(ids.job("score", "r1")).isEqualTo("team-a-score-r1");
  }
}
