package dev.gatestream.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The schema registry of the local stack: the Apicurio Quarkus app built by deploy/registry. Its
 * schemas are kept in an H2 file under {@code dataDir/registry}, so that records written before a
 * restart stay readable after it.
 */
final class SchemaRegistry implements StackComponent {

  static final String NAME = "registry";

  private final StackSettings settings;
  private final ProcessSupervisor process;
  private final Path storageDir;
  private final StackSecurity security;

  /**
   * @param security the secrets of a secured stack (the registry then serves https only), or null
   */
  SchemaRegistry(StackSettings settings, Path runDir, Path logDir, StackSecurity security) {
    this.settings = settings;
    this.security = security;
    this.process =
        new ProcessSupervisor(NAME, "schema registry", settings.dataDir(), runDir, logDir);
    this.storageDir = settings.dataDir().resolve(NAME);
  }

  /** Where the registry keeps its schemas. */
  Path storageDir() {
    return storageDir;
  }

  @Override
  public ProcessSupervisor process() {
    return process;
  }

  /**
   * Base URL, e.g. {@code http://127.0.0.1:8085}; the Confluent-compatible API is under
   * /apis/ccompat/v7.
   */
  @Override
  public String endpoint() {
    return (security == null ? "http://" : "https://")
        + settings.host()
        + ":"
        + settings.registryPort();
  }

  @Override
  public int port() {
    return settings.registryPort();
  }

  @Override
  public void checkStartable() throws StackException {
    if (!Files.isRegularFile(settings.registryJar())) {
      throw StackComponent.notBuilt(
          settings,
          "registry jar not built",
          settings.registryJar(),
          "mvn -pl deploy/registry package");
    }
    Ports.requireFree(settings.host(), settings.registryPort(), "schema registry");
  }

  @Override
  public ProcessHandle start() throws StackException {
    try {
      Files.createDirectories(storageDir);
    } catch (IOException e) {
      throw new StackException(
          "cannot create the registry's storage " + storageDir + ": " + e.getMessage(), e);
    }
    JvmCommand command =
        JvmCommand.jar(settings.registryHeapMb(), settings.registryJar())
            .withSystemProperty("gatestream.registry.data.dir", storageDir)
            .withSystemProperty("quarkus.http.host", settings.host())
            .withSystemProperty("quarkus.http.port", settings.registryPort())
            .withSystemProperty("quarkus.log.file.enable", true)
            .withSystemProperty("quarkus.log.file.path", process.log());
    if (security != null) {
      // https only: the plain port is not opened; the password goes by environment, not argv
      command =
          command
              .withSystemProperty("quarkus.http.ssl-port", settings.registryPort())
              .withSystemProperty("quarkus.http.insecure-requests", "disabled")
              .withSystemProperty(
                  "quarkus.http.ssl.certificate.key-store-file", security.keystore())
              .withSystemProperty("quarkus.http.ssl.certificate.key-store-file-type", "PKCS12")
              .withEnvironment(
                  "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_PASSWORD", security.storePassword());
    }
    return process.start(command);
  }

  /** Quarkus' readiness endpoint answers 200. */
  @Override
  public boolean ready(Duration budget) {
    long millis = Math.max(200, Math.min(3000, budget.toMillis()));
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(millis));
    if (security != null) {
      builder.sslContext(security.trustingContext());
    }
    HttpClient http = builder.build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint() + "/health/ready"))
            .timeout(Duration.ofMillis(millis))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
