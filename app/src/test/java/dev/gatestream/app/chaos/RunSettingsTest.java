package dev.gatestream.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSettingsTest {

  private final GatestreamConfig base =
      new ConfigLoader(Map.of())
          .load(
              null,
              Map.of(GatestreamConfig.TOPIC_PREFIX, "it-", GatestreamConfig.ROUTER_GATE_K, "3"));

  @Test
  void pointsTheBaseSettingsAtTheRunsClusterTopicsAndState(@TempDir Path dir) {
    GatestreamConfig config =
        new RunSettings(base, "run1", "h1:9092,h2:9092", "http://r:8080", dir.resolve("state"))
            .replayExperts(dir.resolve("log.csv"), List.of("a", "b"), 2)
            .load(null);

    assertThat(config.getString(GatestreamConfig.BOOTSTRAP)).isEqualTo("h1:9092,h2:9092");
    assertThat(config.getString(GatestreamConfig.REGISTRY_URL)).isEqualTo("http://r:8080");
    assertThat(config.getString(GatestreamConfig.TOPIC_PREFIX)).isEqualTo("it-run1-");
    assertThat(config.getString(GatestreamConfig.STREAMS_STATE_DIR))
        .isEqualTo(dir.resolve("state").toString());
    assertThat(config.getList(GatestreamConfig.EXPERTS)).containsExactly("a", "b");
    assertThat(config.getInt(GatestreamConfig.ROUTER_GATE_K)).isEqualTo(2);
    assertThat(config.getInt(GatestreamConfig.METRICS_PORT)).isEqualTo(-1);
    assertThat(config.getString(GatestreamConfig.CLIENT_INSTANCE_ID)).isEmpty();
  }

  @Test
  void writesEachStagesSettingsWithAnInstanceIdOfItsOwn(@TempDir Path dir) throws Exception {
    RunSettings settings =
        new RunSettings(base, "run1", "h:9092", "http://r:8080", dir.resolve("state"));

    settings.stage("expert a/b", List.of("expert", "a/b"), dir, dir, Clock.systemUTC());

    Properties written = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve("run1-expert-a_b.properties"))) {
      written.load(in);
    }
    assertThat(written.getProperty(GatestreamConfig.CLIENT_INSTANCE_ID))
        .isEqualTo("run1-expert-a_b");
    assertThat(written.getProperty(GatestreamConfig.TOPIC_PREFIX)).isEqualTo("it-run1-");
  }
}
