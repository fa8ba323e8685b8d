package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.serdes.RegistrySerdes;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryClientsTest {

  @TempDir Path dir;

  private static RegistryClients registry(Map<String, String> settings) {
    GatestreamConfig config = new ConfigLoader(Map.of()).load(null, settings);
    return RegistryClients.of(config, "https://registry:8443");
  }

  @Test
  void typedSettingsBecomeApicurioSettingsAndThePassThroughWins() {
    RegistryClients registry =
        registry(
            Map.of(
                GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION,
                "/certs/trust.p12",
                GatestreamConfig.REGISTRY_TRUSTSTORE_PASSWORD,
                "secret",
                GatestreamConfig.REGISTRY_USERNAME,
                "svc",
                GatestreamConfig.REGISTRY_PASSWORD,
                "pw",
                "registry.client.apicurio.registry.request.ssl.truststore.type",
                "JKS",
                "registry.client.apicurio.registry.request.ssl.keystore.location",
                "/certs/me.p12"));

    assertThat(registry.serdeSettings())
        .containsEntry(RegistryClients.TRUSTSTORE_LOCATION, "/certs/trust.p12")
        .containsEntry(RegistryClients.TRUSTSTORE_PASSWORD, "secret")
        .containsEntry(RegistryClients.TRUSTSTORE_TYPE, "JKS")
        .containsEntry("apicurio.registry.request.ssl.keystore.location", "/certs/me.p12")
        .containsEntry(RegistryClients.USERNAME, "svc")
        .containsEntry(RegistryClients.PASSWORD, "pw");
    assertThat(registry.authorization())
        .contains(
            "Basic "
                + Base64.getEncoder().encodeToString("svc:pw".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void withoutSettingsNothingIsAddedAndTheJvmTrustApplies() {
    RegistryClients registry = registry(Map.of());

    assertThat(registry.serdeSettings()).isEmpty();
    assertThat(registry.sslContext()).isEmpty();
    assertThat(registry.authorization()).isEmpty();
  }

  @Test
  void everySerdeItMakesCarriesTheSettings() {
    RegistryClients registry =
        registry(Map.of(GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION, "/certs/trust.p12"));

    try (RegistrySerdes serdes = registry.serdes(false)) {
      assertThat(serdes.avroConfig(false))
          .containsEntry(RegistryClients.TRUSTSTORE_LOCATION, "/certs/trust.p12")
          .containsEntry("apicurio.registry.url", "https://registry:8443/apis/registry/v2");
    }
  }

  private Path emptyTruststore() throws Exception {
    Path truststore = dir.resolve("trust.p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (OutputStream out = Files.newOutputStream(truststore)) {
      store.store(out, "secret".toCharArray());
    }
    return truststore;
  }

  @Test
  void theAdminTrustsTheConfiguredTruststore() throws Exception {
    Path truststore = emptyTruststore();
    RegistryClients registry =
        registry(
            Map.of(
                GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION,
                truststore.toString(),
                GatestreamConfig.REGISTRY_TRUSTSTORE_PASSWORD,
                "secret"));

    assertThat(registry.sslContext()).isPresent();
  }

  @Test
  void aMissingTruststoreNamesTheSetting() {
    RegistryClients registry =
        registry(
            Map.of(
                GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION,
                dir.resolve("missing.p12").toString()));

    assertThatThrownBy(registry::sslContext)
        .hasMessageContaining(GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION);
  }

  @Test
  void itTravelsToFlinkTaskManagers() throws Exception {
    Path truststore = emptyTruststore();
    RegistryClients registry =
        registry(
            Map.of(
                GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION,
                truststore.toString(),
                GatestreamConfig.REGISTRY_TRUSTSTORE_PASSWORD,
                "secret"));
    Path file = dir.resolve("serialized");
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(file))) {
      out.writeObject(registry);
    }
    RegistryClients copy;
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
      copy = (RegistryClients) in.readObject();
    }

    assertThat(copy.baseUrl()).isEqualTo("https://registry:8443");
    assertThat(copy.serdeSettings()).isEqualTo(registry.serdeSettings());
    try (RegistrySerdes serdes = copy.serdes(false)) {
      assertThat(serdes.avro(Feedback.class, false)).isNotNull();
    }
  }

  @Test
  void kafkaClientsGiveTheRegistryTheServiceSettings() throws Exception {
    Files.writeString(
        dir.resolve("router.properties"),
        GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION + "=/certs/router-trust.p12\n");
    Files.writeString(dir.resolve("clients.properties"), "");
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(null, Map.of(GatestreamConfig.CLIENT_CREDENTIALS_DIR, dir.toString()));

    KafkaClients router = new KafkaClients(config, "broker:9092").as(ServicePrincipal.ROUTER);

    assertThat(router.registry("https://r").serdeSettings())
        .containsEntry(RegistryClients.TRUSTSTORE_LOCATION, "/certs/router-trust.p12");
  }
}
