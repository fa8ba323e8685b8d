package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkConfigTest {

  private static FlinkSettings settings(Path home) {
    return new FlinkSettings(
        home, home.resolve("data"), "127.0.0.1", 18081, 16123, 2, 3, Duration.ofSeconds(5));
  }

  @Test
  void bindsEverythingToTheHostAndPortsAndKeepsStateInTheClusterDirectory(@TempDir Path home) {
    FlinkSettings s = settings(home);
    Map<String, String> c = FlinkConfig.settings(s, home.resolve("tmp"));

    assertThat(c)
        .containsEntry("rest.port", "18081")
        .containsEntry("rest.bind-address", "127.0.0.1")
        .containsEntry("jobmanager.rpc.port", "16123")
        .containsEntry("taskmanager.bind-host", "127.0.0.1")
        .containsEntry("taskmanager.numberOfTaskSlots", "3")
        .containsEntry(
            "execution.checkpointing.dir",
            home.resolve("data/flink/checkpoints").toUri().toString())
        .containsEntry(
            "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
        .containsEntry("restart-strategy.type", "exponential-delay");
  }

  @Test
  void theTaskManagerHeapIsItsFrameworkAndTaskHeap(@TempDir Path home) {
    Map<String, String> c = FlinkConfig.settings(settings(home), home);
    int framework = megabytes(c.get("taskmanager.memory.framework.heap.size"));
    int task = megabytes(c.get("taskmanager.memory.task.heap.size"));
    int direct =
        megabytes(c.get("taskmanager.memory.framework.off-heap.size"))
            + megabytes(c.get("taskmanager.memory.task.off-heap.size"))
            + megabytes(c.get("taskmanager.memory.network.max"));

    assertThat(FlinkConfig.taskManagerHeapMb()).isEqualTo(framework + task);
    assertThat(FlinkConfig.taskManagerMemoryOptions())
        .contains("-Xms" + (framework + task) + "m", "-XX:MaxDirectMemorySize=" + direct + "m");
    // Flink refuses pools whose JVM overhead is a range when it adds them up itself.
    assertThat(c.get("taskmanager.memory.jvm-overhead.min"))
        .isEqualTo(c.get("taskmanager.memory.jvm-overhead.max"));
  }

  @Test
  void configYamlQuotesEveryValue(@TempDir Path home) {
    String yaml = FlinkConfig.renderConfigYaml(settings(home), home.resolve("it's"));

    assertThat(yaml).contains("\nrest.port: '18081'\n");
    assertThat(yaml).contains("\nio.tmp.dirs: '" + home.resolve("it''s") + "'\n");
  }

  @Test
  void aClusterThatIsNotBuiltIsNamedWithHowToBuildIt(@TempDir Path home) {
    FlinkCluster cluster = new FlinkCluster(settings(home));

    assertThatThrownBy(cluster::up)
        .isInstanceOf(StackException.class)
        .hasMessage(
            "flink runtime not built: deploy/flink/target/lib (run: mvn -pl deploy/flink package)");
    assertThat(cluster.status().noneRunning()).isTrue();
    assertThat(Files.exists(home.resolve("data/flink/conf/config.yaml"))).isFalse();
  }

  @Test
  void settingsRefuseClashingPortsAndEmptyClusters(@TempDir Path home) {
    assertThatThrownBy(
            () ->
                new FlinkSettings(home, home, "127.0.0.1", 8081, 8081, 1, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("must differ");
    assertThatThrownBy(
            () ->
                new FlinkSettings(home, home, "127.0.0.1", 8081, 6123, 0, 1, Duration.ofSeconds(1)))
        .hasMessageContaining("at least one TaskManager");
  }

  private static int megabytes(String size) {
    assertThat(size).endsWith("m");
    return Integer.parseInt(size.substring(0, size.length() - 1));
  }
}
