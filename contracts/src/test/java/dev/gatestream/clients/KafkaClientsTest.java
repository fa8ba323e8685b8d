package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  private static KafkaClients clients(Map<String, String> settings, Map<String, String> environment) {
    GatestreamConfig config = new ConfigLoader(environment).load(null, settings);
    return new KafkaClients(config, "broker:9092");
  }

  @Test
  void passThroughReachesEveryKindAndTheNarrowedOneWins() {
    KafkaClients clients = clients(Map.of(
        "kafka.security.protocol", "SASL_SSL",
        "kafka.linger.ms", "20",
        "kafka.producer.linger.ms", "50",
        "kafka.streams.num.standby.replicas", "1"), Map.of());

    Properties producer = clients.producerProperties("p", Map.of("linger.ms", 1));
    assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("linger.ms", "50")
        .doesNotContainKey("producer.linger.ms").doesNotContainKey("streams.num.standby.replicas");
    assertThat(clients.consumerProperties("c", "g", Map.of())).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "20").containsEntry("group.id", "g");
    assertThat(clients.adminProperties("a")).containsEntry("security.protocol", "SASL_SSL");
    assertThat(clients.streamsProperties("app", Path.of("/state")))
        .containsEntry("security.protocol", "SASL_SSL").containsEntry("num.standby.replicas", "1")
        .containsEntry("processing.guarantee", "exactly_once_v2").containsEntry("application.id", "app");
  }

  @Test
  void callerTuningWinsOverDefaultsAndIdentityOverThePassThrough() {
    KafkaClients clients = clients(Map.of("kafka.client.id", "mine", "kafka.bootstrap.servers", "elsewhere:1",
        "kafka.consumer.group.id", "theirs"), Map.of());

    Properties consumer = clients.consumerProperties("reader", "ours", Map.of("auto.offset.reset", "latest"));

    assertThat(consumer).containsEntry("auto.offset.reset", "latest").containsEntry("client.id", "reader")
        .containsEntry("bootstrap.servers", "broker:9092").containsEntry("group.id", "ours")
        .containsEntry("isolation.level", "read_committed");
  }

  @Test
  void environmentVariablesPassThroughAsKafkaSettings() {
    KafkaClients clients = clients(Map.of(), Map.of("GATESTREAM_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
        "GATESTREAM_KAFKA_PRODUCER_COMPRESSION_TYPE", "lz4"));

    assertThat(clients.producerProperties("p", Map.of())).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("compression.type", "lz4");
    assertThat(clients.consumerProperties("c", null, Map.of())).doesNotContainKey("compression.type")
        .doesNotContainKey("group.id");
  }

  @Test
  void idsComeFromTheTopicPrefix() {
    ClientIds ids = new ClientIds("team-a-");

    assertThat(ids.router()).isEqualTo("team-a-router");
    assertThat(ids.fusion()).isEqualTo("team-a-fusion");
    assertThat(ids.adaptation()).isEqualTo("team-a-adaptation");
    assertThat(ids.expert("meta/llama-2-70b-chat")).isEqualTo("team-a-expert-meta_2Fllama-2-70b-chat");
    assertThat(ids.job("score", "r1")).isEqualTo("team-a-score-r1");
  }
}
