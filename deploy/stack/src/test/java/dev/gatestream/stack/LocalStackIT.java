package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brings a real stack up and down on free ports in a temp dir. Needs deploy/broker and
 * deploy/registry built.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LocalStackIT {

  @TempDir Path dataDir;

  private LocalStack stack;
  private final List<Long> seenPids = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Path home = home();
    StackSettings defaults = StackSettings.defaults(home);
    assumeTrue(
        Files.isDirectory(defaults.brokerLibDir()),
        "broker not built: " + defaults.brokerLibDir() + " (run: mvn -pl deploy/broker package)");
    assumeTrue(
        Files.isRegularFile(defaults.registryJar()),
        "registry not built: "
            + defaults.registryJar()
            + " (run: mvn -pl deploy/registry package)");
    int[] ports = freePorts(3);
    stack =
        new LocalStack(
            new StackSettings(
                home,
                dataDir,
                "127.0.0.1",
                ports[0],
                ports[1],
                ports[2],
                256,
                256,
                Duration.ofSeconds(120)));
  }

  @AfterEach
  void tearDown() throws StackException {
    if (stack != null) {
      stack.down();
      assertNothingLeftRunning();
    }
  }

  @Test
  void upUpAgainStatusDownAndRestartKeepsData() throws Exception {
    assertThat(stack.status().noneRunning()).isTrue();

    long t0 = System.nanoTime();
    StackStatus first = up();
    long upMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(first.allRunning()).isTrue();
    ComponentStatus broker = first.component(LocalStack.BROKER).orElseThrow();
    ComponentStatus registry = first.component(LocalStack.REGISTRY).orElseThrow();
    seenPids.add(broker.pid());
    seenPids.add(registry.pid());
    System.out.printf(
        "[LocalStackIT] first up (format + broker + registry) in %d ms; RSS broker %d MiB, registry %d MiB%n",
        upMillis, broker.rssBytes() >> 20, registry.rssBytes() >> 20);

    // up again: harmless, same processes
    StackStatus again = up();
    assertThat(again.allRunning()).isTrue();
    assertThat(again.components())
        .extracting(ComponentStatus::pid)
        .containsExactly(broker.pid(), registry.pid());

    StackStatus status = stack.status();
    assertThat(status.allRunning()).isTrue();
    assertThat(status.components())
        .allSatisfy(
            c -> {
              assertThat(c.pid()).isPositive();
              assertThat(c.rssBytes()).isPositive();
            });
    assertThat(broker.endpoint()).isEqualTo(stack.bootstrapServers());
    assertThat(registry.endpoint()).isEqualTo(stack.registryUrl());
    assertThat(dataDir.resolve("run/broker.pid")).exists();
    assertThat(dataDir.resolve("run/registry.pid")).exists();
    assertThat(dataDir.resolve("logs/broker.log")).isNotEmptyFile();

    String clusterId;
    try (Admin admin = admin()) {
      clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
      admin
          .createTopics(List.of(new NewTopic("survives-restart", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    assertThat(stack.clusterId()).contains(clusterId);
    assertThat(registryGet("/apis/ccompat/v7/subjects")).isEqualTo(200);

    StackStatus down = stack.down();
    assertThat(down.noneRunning()).isTrue();
    assertNothingLeftRunning();
    assertThat(stack.down().noneRunning()).isTrue(); // down twice is fine

    long t1 = System.nanoTime();
    StackStatus restarted = up();
    System.out.printf(
        "[LocalStackIT] restart (no format) in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
    assertThat(restarted.allRunning()).isTrue();
    restarted.components().forEach(c -> seenPids.add(c.pid()));
    try (Admin admin = admin()) {
      assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
          .isEqualTo(clusterId);
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics).contains("survives-restart");
    }
    assertThat(stack.clusterId()).contains(clusterId);
  }

  @Test
  void upFailsWithOneLineWhenAPortIsTaken() throws Exception {
    StackSettings s = stack.settings();
    try (ServerSocket squatter =
        new ServerSocket(s.brokerPort(), 1, InetAddress.getByName(s.host()))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(stack::up)
          .isInstanceOf(StackException.class)
          .hasMessage(
              "port " + s.brokerPort() + " (kafka broker) is already in use by another process");
    }
    assertThat(stack.status().noneRunning()).isTrue();
  }

  /**
   * up(), and on failure the tails of the children's console output (the temp dir is gone
   * afterwards).
   */
  private StackStatus up() throws IOException {
    try {
      return stack.up();
    } catch (StackException e) {
      StringBuilder msg = new StringBuilder(e.getMessage());
      for (String name : List.of("broker.out", "registry.out", "format.out")) {
        Path f = dataDir.resolve("logs").resolve(name);
        if (Files.isRegularFile(f)) {
          List<String> lines = Files.readAllLines(f);
          msg.append("\n---- ")
              .append(name)
              .append(" (tail)\n")
              .append(
                  String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
      }
      throw new AssertionError(msg.toString(), e);
    }
  }

  private void assertNothingLeftRunning() {
    for (long pid : seenPids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty();
    }
    String marker = "-Dgatestream.stack.dataDir=" + stack.settings().dataDir();
    assertThat(
            ProcessHandle.allProcesses()
                .filter(p -> Procs.arguments(p).map(a -> a.contains(marker)).orElse(false))
                .map(ProcessHandle::pid)
                .toList())
        .isEmpty();
    assertThat(dataDir.resolve("run/broker.pid")).doesNotExist();
    assertThat(dataDir.resolve("run/registry.pid")).doesNotExist();
    StackSettings s = stack.settings();
    assertThat(Ports.isFree(s.host(), s.brokerPort())).isTrue();
    assertThat(Ports.isFree(s.host(), s.controllerPort())).isTrue();
    assertThat(Ports.isFree(s.host(), s.registryPort())).isTrue();
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
  }

  private int registryGet(String path) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static Path home() {
    String prop = System.getProperty("gatestream.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy/broker"))) {
        return d;
      }
    }
    return dir;
  }

  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
