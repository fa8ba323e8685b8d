package dev.gatestream.clients;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one place schema registry clients are configured: every Apicurio serde (Streams stages, plain
 * clients, experts, the Flink job, the gateway, the CLI) and every admin call to the registry's API
 * get the same settings from here: the typed {@code registry.ssl.truststore.*} and {@code
 * registry.username}/{@code registry.password}, then the {@code registry.client.*} pass-through
 * (Apicurio's own keys, which win).
 *
 * <p>Serializable, so that the Flink job's deserializers carry it to their task managers.
 */
public final class RegistryClients implements Serializable {

  private static final long serialVersionUID = 1L;

  // Apicurio's client keys (SchemaResolverConfig); spelled out so contracts needs only the serde.
  static final String TRUSTSTORE_LOCATION = "apicurio.registry.request.ssl.truststore.location";
  static final String TRUSTSTORE_TYPE = "apicurio.registry.request.ssl.truststore.type";
  static final String TRUSTSTORE_PASSWORD = "apicurio.registry.request.ssl.truststore.password";
  static final String USERNAME = "apicurio.auth.username";
  static final String PASSWORD = "apicurio.auth.password";

  private final String baseUrl;
  private final TreeMap<String, String> settings;

  private RegistryClients(String baseUrl, Map<String, String> settings) {
    this.baseUrl = baseUrl;
    this.settings = new TreeMap<>(settings);
  }

  /**
   * @param baseUrl the registry's base URL, e.g. {@code https://127.0.0.1:8085}
   */
  public static RegistryClients of(GatestreamConfig config, String baseUrl) {
    Map<String, String> settings = new TreeMap<>();
    String truststore = config.getString(GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION);
    if (!truststore.isBlank()) {
      settings.put(TRUSTSTORE_LOCATION, truststore);
      settings.put(TRUSTSTORE_TYPE, config.getString(GatestreamConfig.REGISTRY_TRUSTSTORE_TYPE));
      settings.put(
          TRUSTSTORE_PASSWORD,
          config.getPassword(GatestreamConfig.REGISTRY_TRUSTSTORE_PASSWORD).value());
    }
    String username = config.getString(GatestreamConfig.REGISTRY_USERNAME);
    if (!username.isBlank()) {
      settings.put(USERNAME, username);
      settings.put(PASSWORD, config.getPassword(GatestreamConfig.REGISTRY_PASSWORD).value());
    }
    config
        .passThrough(GatestreamConfig.REGISTRY_CLIENT_PREFIX)
        .forEach((key, value) -> settings.put(key, String.valueOf(value)));
    return new RegistryClients(baseUrl, settings);
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The settings every Apicurio serde gets on top of Gatestream's own (a copy). */
  public Map<String, Object> serdeSettings() {
    return new TreeMap<>(settings);
  }

  /** Registry-backed serdes with these settings; the caller closes them. */
  public RegistrySerdes serdes(boolean autoRegister) {
    return new RegistrySerdes(baseUrl, autoRegister, serdeSettings());
  }

  /** A client of the registry's Confluent-compatible admin API with these settings. */
  public SchemaRegistryAdmin admin(Duration timeout) {
    return new SchemaRegistryAdmin(baseUrl, timeout, sslContext(), authorization());
  }

  /** The TLS context trusting the configured truststore, or empty for the JVM's default trust. */
  Optional<SSLContext> sslContext() {
    String location = settings.get(TRUSTSTORE_LOCATION);
    if (location == null) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(settings.getOrDefault(TRUSTSTORE_TYPE, "PKCS12"));
      String password = settings.get(TRUSTSTORE_PASSWORD);
      store.load(in, password == null || password.isEmpty() ? null : password.toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the registry truststore "
              + location
              + " ("
              + GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** The {@code Authorization} header value of basic authentication, if a user is set. */
  Optional<String> authorization() {
    String username = settings.get(USERNAME);
    if (username == null) {
      return Optional.empty();
    }
    String pair = username + ":" + settings.getOrDefault(PASSWORD, "");
    return Optional.of(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }
}
