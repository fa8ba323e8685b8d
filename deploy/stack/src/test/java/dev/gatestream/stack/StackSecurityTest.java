package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackSecurityTest {

  @TempDir Path dir;

  private StackSettings settings() {
    return new StackSettings(
            dir,
            dir.resolve("data"),
            "127.0.0.1",
            19092,
            19093,
            18085,
            256,
            256,
            Duration.ofSeconds(60))
        .withSecure(true);
  }

  private StackSecurity security() throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    return new StackSecurity(dir.resolve("data"), dir.resolve("logs"), "127.0.0.1");
  }

  private KeyStore load(Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  @Test
  void makesACaAndAServerKeyItSignedForTheHostWithKeytoolOnce() throws Exception {
    StackSecurity security = security();
    security.ensure();

    KeyStore server = load(security.keystore(), security.storePassword());
    X509Certificate[] chain =
        java.util.Arrays.stream(server.getCertificateChain("server"))
            .map(X509Certificate.class::cast)
            .toArray(X509Certificate[]::new);
    assertThat(chain).hasSize(2);
    assertThat(chain[0].getIssuerX500Principal()).isEqualTo(chain[1].getSubjectX500Principal());
    chain[0].verify(chain[1].getPublicKey());
    assertThat(
            chain[0].getSubjectAlternativeNames().stream()
                .map(name -> String.valueOf(name.get(1)))
                .toList())
        .contains("127.0.0.1", "localhost");
    KeyStore trust = load(security.truststore(), security.storePassword());
    assertThat(trust.getCertificate("ca")).isEqualTo(chain[1]);
    assertThat(Files.getPosixFilePermissions(security.keystore()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    byte[] before = Files.readAllBytes(security.keystore());
    String password = security.superUserPassword();
    security().ensure();
    assertThat(Files.readAllBytes(security.keystore())).isEqualTo(before);
    assertThat(security().superUserPassword()).isEqualTo(password);
  }

  @Test
  void theSecuredBrokerHasNoPlainListenerAndDeniesWhatNoAclGrants() throws Exception {
    StackSecurity security = security();
    Properties p = new Properties();
    p.load(
        new StringReader(
            BrokerConfig.renderSecureServerProperties(
                settings(), dir.resolve("kafka-secure"), security)));

    assertThat(p.getProperty("listeners"))
        .isEqualTo("SASL_SSL://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(p.getProperty("listener.security.protocol.map"))
        .isEqualTo("CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL")
        .doesNotContain(":PLAINTEXT");
    assertThat(p.getProperty("sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
    assertThat(p.getProperty("authorizer.class.name"))
        .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    assertThat(p.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
    assertThat(p.getProperty("super.users")).isEqualTo("User:admin;User:controller");
    assertThat(p.getProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"))
        .contains("username=\"admin\"", security.superUserPassword());
    assertThat(p.getProperty("ssl.keystore.location")).isEqualTo(security.keystore().toString());
  }

  @Test
  void superUserClientsUseScramOverTlsTrustingTheLocalCa() throws IOException {
    StackSecurity security = security();

    Properties p = security.superUserClientProperties();

    assertThat(p)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", security.truststore().toString());
    assertThat(p.getProperty("sasl.jaas.config")).contains("username=\"admin\"");
  }

  @Test
  void aSecuredStackKeepsItsBrokerDataApartAndServesTheRegistryOverHttps() {
    LocalStack secured = new LocalStack(settings());
    LocalStack plain = new LocalStack(settings().withSecure(false));

    assertThat(secured.registryUrl()).isEqualTo("https://127.0.0.1:18085");
    assertThat(plain.registryUrl()).isEqualTo("http://127.0.0.1:18085");
    assertThat(secured.security()).isPresent();
    assertThat(plain.security()).isEmpty();
    assertThat(secured.security().get().credentialsDir())
        .isEqualTo(dir.resolve("data/secure/clients"));
    assertThat(List.of(secured.settings().secure(), plain.settings().secure()))
        .containsExactly(true, false);
  }
}
