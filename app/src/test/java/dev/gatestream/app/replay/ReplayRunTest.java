package dev.gatestream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.Deployment;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay that fails part way: its work directory goes, and what it told before failing is typed.
 */
class ReplayRunTest {

  @Test
  @Timeout(60)
  void aRunThatFailsAfterItsWorkDirectoryExistsLeavesNothingBehind(@TempDir Path dir)
      throws Exception {
    StringBuilder csv = new StringBuilder("id,prompt,task,a,b\n");
    for (int i = 0; i < 30; i++) {
      csv.append("q")
          .append(i)
          .append(",question ")
          .append(i)
          .append(",t")
          .append(i % 3)
          .append(",1,0\n");
    }
    ReplayRun.Log log =
        ReplaySources.log(
            Files.writeString(dir.resolve("train.csv"), csv), "train", null, null, OnRepeat.SKIP);
    // Nothing listens on the bootstrap: the run gets as far as applying its topics, after the work
    // directory is made, the configuration derived and the log featurized.
    Deployment deployment =
        new Deployment(
            new ConfigLoader(Map.of())
                .load(
                    null,
                    Map.of(
                        GatestreamConfig.BOOTSTRAP, "127.0.0.1:" + closedPort(),
                        GatestreamConfig.REGISTRY_URL, "http://127.0.0.1:" + closedPort(),
                        GatestreamConfig.CLIENT_TIMEOUT_MS, "1000")),
            dir);
    Path scratch = Files.createDirectory(dir.resolve("scratch"));
    ReplaySettings settings =
        new ReplaySettings(
            ReplayOptions.unpaced(5, Duration.ofSeconds(30), Duration.ZERO, 0, 1),
            10,
            Map.of(),
            ReplaySettings.Sweep.parse("router.gate.lambda=0,1"),
            false,
            scratch);
    List<Object> told = new ArrayList<>();
    ReplayListener listener =
        new ReplayListener() {
          @Override
          public void runStarted(RunStarted run) {
            told.add(run);
            assertThat(scratch).isEmptyDirectory();
          }

          @Override
          public void referenceFeaturized(ReferenceFeaturized progress) {
            told.add(progress.log() + ": " + progress.featurized() + " of " + progress.rows());
            assertThat(scratch).isNotEmptyDirectory();
          }

          @Override
          public void topicsReady(TopicsReady topics) {
            told.add(topics);
          }
        };

    Admin admin = deployment.clients().admin("replay-run-test");
    try {
      assertThatThrownBy(
              () -> new ReplayRun(deployment, admin, settings, dir, listener).run(List.of(log)))
          .isInstanceOf(KafkaException.class);
    } finally {
      admin.close(Duration.ZERO);
    }

    assertThat(scratch).isEmptyDirectory();
    assertThat(told)
        .containsExactly(
            new ReplayListener.RunStarted("router.gate.lambda", "0"), "train: 30 of 30");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
