package dev.gatestream.it.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The container mode of the harness: the broker and the registry as containers of the locally built
 * images ({@link ContainerImages#gatestream}) on a podman network of their own, with ports
 * published on loopback for the test JVM. Containers on the same network reach them by name ({@link
 * #internalBootstrap()}, {@link #internalRegistryUrl()}); {@link #run} starts more there.
 */
public final class PodmanStack implements TestStack {

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final String network;
  private final String broker;
  private final String registry;
  private final StackEndpoints endpoints;
  private final List<String> containers = new ArrayList<>();
  private final Map<String, Duration> startTimes = new LinkedHashMap<>();

  private PodmanStack(String run) {
    network = run;
    broker = run + "-broker";
    registry = run + "-registry";
    int brokerPort = freePort();
    int registryPort = freePort();
    endpoints = new StackEndpoints("127.0.0.1:" + brokerPort, "http://127.0.0.1:" + registryPort);
  }

  /**
   * Starts broker and registry and waits until both answer.
   *
   * @param run names the network and prefixes every container, e.g. {@code TestNames.unique("cs")}
   */
  public static PodmanStack start(String run) {
    Podman.require();
    PodmanStack stack = new PodmanStack(run);
    try {
      Podman.call("network", "create", stack.network);
      stack.startBroker();
      stack.startRegistry();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startBroker() {
    int external = port(endpoints.bootstrapServers());
    long started = System.nanoTime();
    run(
        broker,
        ContainerImages.gatestream(ContainerImages.BROKER),
        List.of("-p", "127.0.0.1:" + external + ":" + external),
        Map.of(
            // In-network clients use the container's name; the test JVM the published port.
            "KAFKA_CFG_LISTENERS",
            "PLAINTEXT://:9092,CONTROLLER://localhost:9093,EXTERNAL://:" + external,
            "KAFKA_CFG_ADVERTISED_LISTENERS",
            "PLAINTEXT://" + internalBootstrap() + ",EXTERNAL://" + endpoints.bootstrapServers()),
        List.of());
    Await.untilTrue(
        "broker " + broker + " answers on " + endpoints.bootstrapServers(),
        READY_TIMEOUT,
        this::brokerAnswers);
    startTimes.put(ContainerImages.BROKER, Duration.ofNanos(System.nanoTime() - started));
  }

  private boolean brokerAnswers() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
      admin.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
      return true;
    }
  }

  private void startRegistry() {
    long started = System.nanoTime();
    run(
        registry,
        ContainerImages.gatestream(ContainerImages.REGISTRY),
        List.of(
            "-p",
            "127.0.0.1:" + port(endpoints.registryUrl()) + ":" + ContainerImages.REGISTRY_PORT),
        Map.of(),
        List.of());
    awaitHttpOk(registry, endpoints.registryUrl() + "/health/ready", READY_TIMEOUT);
    startTimes.put(ContainerImages.REGISTRY, Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * {@code podman run -d} on this stack's network; the container is removed on {@link #close}.
   *
   * @param options more podman options (ports, volumes)
   * @param args the image's arguments
   */
  public void run(
      String name, String image, List<String> options, Map<String, String> env, List<String> args) {
    List<String> command =
        new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network));
    command.addAll(options);
    env.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
    command.add(image);
    command.addAll(args);
    containers.add(name);
    Podman.call(command);
  }

  /** Waits until {@code url} answers 200; the failure names the container and shows its log. */
  public static void awaitHttpOk(String container, String url, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
    try {
      Await.untilTrue(
          container + " answers 200 on " + url,
          timeout,
          () -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; its log:\n" + Podman.tail(container, 40), e);
    }
  }

  /** A free TCP port on loopback, to publish a container's port on. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port: " + e, e);
    }
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** {@code bootstrap.servers} for containers on this stack's network. */
  public String internalBootstrap() {
    return broker + ":" + ContainerImages.BROKER_PORT;
  }

  /** The registry's URL for containers on this stack's network. */
  public String internalRegistryUrl() {
    return "http://" + registry + ":" + ContainerImages.REGISTRY_PORT;
  }

  /** The broker's container, e.g. to stop it. */
  public String brokerContainer() {
    return broker;
  }

  /** The registry's container. */
  public String registryContainer() {
    return registry;
  }

  /** How long broker and registry took from {@code podman run} until they answered. */
  public Map<String, Duration> startTimes() {
    return Collections.unmodifiableMap(startTimes);
  }

  @Override
  public StackEndpoints endpoints() {
    return endpoints;
  }

  @Override
  public String describe() {
    return "podman ("
        + ContainerImages.gatestream(ContainerImages.BROKER)
        + ", "
        + ContainerImages.gatestream(ContainerImages.REGISTRY)
        + " on network "
        + network
        + "): bootstrap "
        + endpoints.bootstrapServers()
        + ", registry "
        + endpoints.registryUrl();
  }

  @Override
  public void close() {
    for (int i = containers.size() - 1; i >= 0; i--) {
      Podman.removeQuietly(containers.get(i));
    }
    containers.clear();
    try {
      Podman.call("network", "rm", "-f", network);
    } catch (IllegalStateException e) {
      System.out.println(
          "[gatestream-it] could not remove network " + network + ": " + e.getMessage());
    }
  }
}
