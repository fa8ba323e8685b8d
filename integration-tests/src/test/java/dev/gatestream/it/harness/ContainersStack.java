package dev.gatestream.it.harness;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and Apicurio Registry in containers of Gatestream's own broker and registry images ({@link
 * ContainerImages#gatestream}, built by {@code mvn -Pimages}), through Testcontainers.
 */
final class ContainersStack implements TestStack {

  private final GenericContainer<?> kafka;
  private final GenericContainer<?> registry;
  private final StackEndpoints endpoints;

  private ContainersStack(
      GenericContainer<?> kafka, String bootstrap, GenericContainer<?> registry) {
    this.kafka = kafka;
    this.registry = registry;
    this.endpoints =
        new StackEndpoints(
            bootstrap,
            "http://"
                + registry.getHost()
                + ":"
                + registry.getMappedPort(ContainerImages.REGISTRY_PORT));
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
    // The broker advertises the address clients use, so its host port is chosen up front and
    // published as the same port, not mapped at random.
    String host = DockerClientFactory.instance().dockerHostIpAddress();
    int port = PodmanStack.freePort();
    GenericContainer<?> kafka =
        new GenericContainer<>(
                DockerImageName.parse(ContainerImages.gatestream(ContainerImages.BROKER)))
            .withEnv(
                "KAFKA_CFG_LISTENERS",
                "PLAINTEXT://:"
                    + ContainerImages.BROKER_PORT
                    + ",CONTROLLER://localhost:9093,EXTERNAL://:"
                    + port)
            .withEnv(
                "KAFKA_CFG_ADVERTISED_LISTENERS",
                "PLAINTEXT://localhost:"
                    + ContainerImages.BROKER_PORT
                    + ",EXTERNAL://"
                    + host
                    + ":"
                    + port)
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.withExposedPorts(ExposedPort.tcp(port))
                        .getHostConfig()
                        .withPortBindings(
                            new PortBinding(Ports.Binding.bindPort(port), ExposedPort.tcp(port))))
            .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1))
            .withStartupTimeout(Duration.ofMinutes(3));
    GenericContainer<?> registry =
        new GenericContainer<>(
                DockerImageName.parse(ContainerImages.gatestream(ContainerImages.REGISTRY)))
            .withExposedPorts(ContainerImages.REGISTRY_PORT)
            .waitingFor(Wait.forHttp("/health/ready").forStatusCode(200))
            .withStartupTimeout(Duration.ofMinutes(3));
    try {
      kafka.start();
      registry.start();
      return new ContainersStack(kafka, host + ":" + port, registry);
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
        + ContainerImages.gatestream(ContainerImages.BROKER)
        + ", "
        + ContainerImages.gatestream(ContainerImages.REGISTRY)
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
