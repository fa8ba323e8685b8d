package dev.gatestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void flagsOverrideEnvironmentWhichOverridesTheFile() throws IOException {
    Path file = dir.resolve("gatestream.properties");
    Files.writeString(file, "topic.prefix=file-\ntopic.partitions=2\nstack.broker.port=1111\n");
    ConfigLoader loader =
        new ConfigLoader(
            Map.of("GATESTREAM_TOPIC_PREFIX", "env-", "GATESTREAM_STACK_BROKER_PORT", "2222"));

    GatestreamConfig config = loader.load(file, Map.of("stack.broker.port", "3333"));

    assertThat(config.getInt(GatestreamConfig.TOPIC_PARTITIONS)).isEqualTo(2);
    assertThat(config.getString(GatestreamConfig.TOPIC_PREFIX)).isEqualTo("env-");
    assertThat(config.getInt(GatestreamConfig.STACK_BROKER_PORT)).isEqualTo(3333);
  }

  @Test
  void defaultsUseTheLocalStack() {
    GatestreamConfig config = new ConfigLoader(Map.of()).load(null, Map.of());
    assertThat(config.usesExternalCluster()).isFalse();
    assertThat(config.getInt(GatestreamConfig.STACK_BROKER_PORT)).isEqualTo(9092);
    assertThat(config.getList(GatestreamConfig.EXPERTS)).isEmpty();
  }

  @Test
  void bootstrapFromEnvironmentSelectsAnExternalCluster() {
    GatestreamConfig config =
        new ConfigLoader(Map.of("GATESTREAM_BOOTSTRAP", "kafka:9092")).load(null, Map.of());
    assertThat(config.usesExternalCluster()).isTrue();
    assertThat(GatestreamConfig.environmentVariable(GatestreamConfig.REGISTRY_URL))
        .isEqualTo("GATESTREAM_REGISTRY_URL");
  }

  @Test
  void badValuesAndUnknownKeysAreErrorsNamingTheKey() {
    ConfigLoader loader = new ConfigLoader(Map.of());
    assertThatThrownBy(() -> loader.load(null, Map.of("stack.broker.port", "99999")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stack.broker.port");
    assertThatThrownBy(() -> loader.load(null, Map.of("topic.partitons", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'topic.partitons'");
    assertThatThrownBy(() -> loader.load(dir.resolve("missing.properties"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not exist");
  }
}
