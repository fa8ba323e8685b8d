package dev.gatestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EndToEndBenchTest {

  @Test
  @Timeout(60)
  void aBenchThatFailsLeavesNoWorkDirectoryBehind(@TempDir Path dir) throws Exception {
    // Nothing listens on the bootstrap: the bench writes its log, then fails creating its first
    // topics.
    String bootstrap = "127.0.0.1:" + closedPort();
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(
                null,
                Map.of(
                    GatestreamConfig.BOOTSTRAP,
                    bootstrap,
                    GatestreamConfig.CLIENT_TIMEOUT_MS,
                    "1000"));
    Path scratch = Files.createDirectory(dir.resolve("scratch"));
    List<BenchListener.TopicsCreating> told = new ArrayList<>();
    BenchListener listener =
        new BenchListener() {
          @Override
          public void topicsCreating(TopicsCreating topics) {
            told.add(topics);
            assertThat(scratch).isNotEmptyDirectory();
          }
        };
    EndToEndBench bench =
        new EndToEndBench(
            config,
            bootstrap,
            "http://127.0.0.1:" + closedPort(),
            new EndToEndBench.Options(
                2, 10, 10, 10, Duration.ofSeconds(1), List.of("exactly-once"), scratch),
            listener);

    assertThatThrownBy(bench::run).isInstanceOf(KafkaException.class);

    assertThat(scratch).isEmptyDirectory();
    assertThat(told)
        .singleElement()
        .satisfies(
            topics -> {
              assertThat(topics.chain()).isEqualTo("kafka (exactly-once)");
              assertThat(topics.topicPrefix()).startsWith("bench-").endsWith("-eo-kafka-");
            });
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
