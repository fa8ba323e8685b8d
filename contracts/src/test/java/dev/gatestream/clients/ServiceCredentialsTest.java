package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceCredentialsTest {

  @TempDir Path dir;

  private KafkaClients clients(Map<String, String> settings) {
    return new KafkaClients(new ConfigLoader(Map.of()).load(null, settings), "broker:9093");
  }

  private KafkaClients withCredentials() {
    return clients(
        Map.of(
            GatestreamConfig.CLIENT_CREDENTIALS_DIR,
            dir.toString(),
            "kafka.security.protocol",
            "SASL_PLAINTEXT",
            "kafka.linger.ms",
            "7"));
  }

  @Test
  void eachServiceConnectsWithItsOwnFileOverTheSharedSettings() throws Exception {
    Files.writeString(
        dir.resolve("clients.properties"),
        "kafka.security.protocol=SASL_SSL\nkafka.sasl.jaas.config=clients-login\n");
    Files.writeString(
        dir.resolve("router.properties"),
        "kafka.security.protocol=SASL_SSL\nkafka.sasl.jaas.config=router-login\n");
    Files.writeString(
        dir.resolve(ServicePrincipal.expert("meta/llama").fileName()),
        "kafka.sasl.jaas.config=llama-login\n");
    KafkaClients clients = withCredentials();

    assertThat(clients.producerProperties("p", Map.of()))
        .containsEntry("sasl.jaas.config", "clients-login")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "7");
    assertThat(
            clients
                .as(ServicePrincipal.ROUTER)
                .streamsProperties("gatestream-router", Path.of("/s")))
        .containsEntry("sasl.jaas.config", "router-login");
    assertThat(
            clients
                .as(ServicePrincipal.expert("meta/llama"))
                .consumerProperties("c", "g", Map.of()))
        .containsEntry("sasl.jaas.config", "llama-login")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
  }

  @Test
  void withoutADirectoryEveryServiceUsesTheSettingsAlone() {
    KafkaClients clients = clients(Map.of("kafka.security.protocol", "SSL"));

    assertThat(clients.as(ServicePrincipal.FUSION).adminProperties("a"))
        .containsEntry("security.protocol", "SSL")
        .doesNotContainKey("sasl.jaas.config");
  }

  @Test
  void aMissingFileNamesTheServiceAndTheSetting() throws Exception {
    Files.writeString(dir.resolve("clients.properties"), "");
    KafkaClients clients = withCredentials();

    assertThatThrownBy(() -> clients.as(ServicePrincipal.FUSION))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'fusion'")
        .hasMessageContaining(GatestreamConfig.CLIENT_CREDENTIALS_DIR);
  }

  @Test
  void aCredentialsFileCannotChangeWhatAStageDoes() throws Exception {
    Files.writeString(dir.resolve("clients.properties"), "router.gate.k=5\n");

    assertThatThrownBy(this::withCredentials)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("router.gate.k")
        .hasMessageContaining("not a client setting");
  }
}
