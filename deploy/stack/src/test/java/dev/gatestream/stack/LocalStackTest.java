package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What LocalStack decides without starting anything. */
class LocalStackTest {

  @TempDir Path home;

  private StackSettings settings(int broker, int controller, int registry) {
    return new StackSettings(
        home,
        home.resolve(".gatestream"),
        "127.0.0.1",
        broker,
        controller,
        registry,
        256,
        256,
        Duration.ofSeconds(5));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private void fakeBuiltArtifacts() throws IOException {
    Path lib = home.resolve("deploy/broker/target/lib");
    Files.createDirectories(lib);
    Files.createFile(lib.resolve("kafka_2.13-4.2.0.jar"));
    Path jar = home.resolve("deploy/registry/target/quarkus-app/quarkus-run.jar");
    Files.createDirectories(jar.getParent());
    Files.createFile(jar);
  }

  @Test
  void statusWhenNothingRuns() throws IOException {
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort()));

    StackStatus status = stack.status();

    assertThat(status.components())
        .extracting(ComponentStatus::name)
        .containsExactly("broker", "registry");
    assertThat(status.allRunning()).isFalse();
    assertThat(status.noneRunning()).isTrue();
    assertThat(status.components())
        .allSatisfy(
            c -> {
              assertThat(c.pid()).isEqualTo(-1);
              assertThat(c.rssBytes()).isEqualTo(-1);
            });
  }

  @Test
  void downWhenNothingRunsIsFineAndRemovesStalePidFiles() throws Exception {
    StackSettings s = settings(freePort(), freePort(), freePort());
    Path run = s.dataDir().resolve("run");
    Files.createDirectories(run);
    Files.writeString(run.resolve("broker.pid"), Long.MAX_VALUE + "\n");
    LocalStack stack = new LocalStack(s);
    assertThat(stack.status().component("broker").orElseThrow().detail())
        .contains("stale pid file");

    StackStatus after = stack.down();

    assertThat(after.noneRunning()).isTrue();
    assertThat(run.resolve("broker.pid")).doesNotExist();
  }

  @Test
  void upRefusesWhenBrokerNotBuilt() throws IOException {
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort()));

    assertThatThrownBy(stack::up)
        .isInstanceOf(StackException.class)
        .hasMessage(
            "kafka broker not built: deploy/broker/target/lib (run: mvn -pl deploy/broker package)");
  }

  @Test
  void upRefusesWhenRegistryNotBuilt() throws IOException {
    Path lib = home.resolve("deploy/broker/target/lib");
    Files.createDirectories(lib);
    Files.createFile(lib.resolve("kafka_2.13-4.2.0.jar"));
    LocalStack stack = new LocalStack(settings(freePort(), freePort(), freePort()));

    assertThatThrownBy(stack::up)
        .isInstanceOf(StackException.class)
        .hasMessage(
            "registry jar not built: deploy/registry/target/quarkus-app/quarkus-run.jar"
                + " (run: mvn -pl deploy/registry package)");
  }

  @Test
  void upRefusesBusyPortsBeforeStartingAnything() throws IOException {
    fakeBuiltArtifacts();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int busy = taken.getLocalPort();
      LocalStack stack = new LocalStack(settings(freePort(), freePort(), busy));

      assertThatThrownBy(stack::up)
          .isInstanceOf(StackException.class)
          .hasMessage("port " + busy + " (schema registry) is already in use by another process");
      assertThat(home.resolve(".gatestream/run").toFile().list()).isEmpty();
      assertThat(home.resolve(".gatestream/kafka").toFile().list()).isEmpty();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int busy = taken.getLocalPort();
      LocalStack stack = new LocalStack(settings(freePort(), busy, freePort()));

      assertThatThrownBy(stack::up)
          .isInstanceOf(StackException.class)
          .hasMessage("port " + busy + " (kafka controller) is already in use by another process");
    }
  }
}
