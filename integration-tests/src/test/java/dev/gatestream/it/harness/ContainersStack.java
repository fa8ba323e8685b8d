package dev.gatestream.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Kafka and Apicurio Registry in containers (images pinned in {@link ContainerImages}). */
final class ContainersStack implements TestStack {

  private final KafkaContainer kafka;
  private final GenericContainer<?> registry;
  private final StackEndpoints endpoints;

  private ContainersStack(KafkaContainer kafka, GenericContainer<?> registry) {
    this.kafka = kafka;
    this.registry = registry;
    this.endpoints =
        new StackEndpoints(
            kafka.getBootstrapServers(),
            "http://"
                + registry.getHost()
                + ":"
                + registry.getMappedPort(ContainerImages.APICURIO_REGISTRY_PORT));
  }

  /**
   * Whether a Docker engine is reachable. Cheap and silent when there is no sign of one (no
   * DOCKER_HOST, no socket, no Testcontainers config); only then asks Testcontainers, and never
   * throws.
   */
  static boolean dockerAvailable() {
    if (Boolean.getBoolean("gatestream.it.noDocker")) {
      return false;
    }
    if (!anyDockerHint()) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static boolean anyDockerHint() {
    if (notBlank(System.getenv("DOCKER_HOST"))
        || notBlank(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))) {
      return true;
    }
    String home = System.getProperty("user.home", "");
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    return Files.exists(Path.of("/var/run/docker.sock"))
        || Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
        || Files.exists(Path.of(home, ".testcontainers.properties"))
        || (notBlank(runtimeDir)
            && (Files.exists(Path.of(runtimeDir, "docker.sock"))
                || Files.exists(Path.of(runtimeDir, "podman", "podman.sock"))));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  static ContainersStack start() {
    KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(ContainerImages.KAFKA));
    GenericContainer<?> registry =
        new GenericContainer<>(DockerImageName.parse(ContainerImages.APICURIO_REGISTRY))
            .withExposedPorts(ContainerImages.APICURIO_REGISTRY_PORT)
            .waitingFor(Wait.forHttp("/health/ready").forStatusCode(200))
            .withStartupTimeout(Duration.ofMinutes(3));
    try {
      kafka.start();
      registry.start();
      return new ContainersStack(kafka, registry);
    } catch (RuntimeException e) {
      registry.stop();
      kafka.stop();
      throw e;
    }
  }

  @Override
  public StackEndpoints endpoints() {
    return endpoints;
  }

  @Override
  public String describe() {
    return "Testcontainers ("
        + ContainerImages.KAFKA
        + ", "
        + ContainerImages.APICURIO_REGISTRY
        + "): bootstrap "
        + endpoints.bootstrapServers()
        + ", registry "
        + endpoints.registryUrl();
  }

  @Override
  public void close() {
    try {
      registry.stop();
    } finally {
      kafka.stop();
    }
  }
}
