package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the job's main takes on a cluster: {@code [FILE] [KEY=VALUE ...]}. */
class AdaptationJobArgumentsTest {

  @Test
  void settingsArgumentsWinOverTheFileAndTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatestream.properties");
    Files.writeString(file, "bootstrap=file:9092\ntopic.prefix=fromfile-\n");

    GatestreamConfig config =
        AdaptationJob.configFromArguments(
            new String[] {file.toString(), "bootstrap=args:9092", "registry.url=http://r:8085"},
            Map.of("GATESTREAM_TOPIC_PREFIX", "fromenv-"));

    assertThat(config.getString(GatestreamConfig.BOOTSTRAP)).isEqualTo("args:9092");
    assertThat(config.getString(GatestreamConfig.REGISTRY_URL)).isEqualTo("http://r:8085");
    assertThat(config.getString(GatestreamConfig.TOPIC_PREFIX)).isEqualTo("fromenv-");
    assertThat(AdaptationJob.jobName(config)).isEqualTo("fromenv-adaptation");
  }

  @Test
  void settingsAloneNeedNoFile() {
    GatestreamConfig config =
        AdaptationJob.configFromArguments(
            new String[] {"bootstrap=b:9092", "kafka.security.protocol=SASL_SSL"}, Map.of());

    assertThat(config.getString(GatestreamConfig.BOOTSTRAP)).isEqualTo("b:9092");
    assertThat(config.originals()).containsEntry("kafka.security.protocol", "SASL_SSL");
  }

  @Test
  void aStrayArgumentOrAnUnknownSettingIsRefused() {
    assertThatThrownBy(
            () -> AdaptationJob.configFromArguments(new String[] {"bootstrap=b", "oops"}, Map.of()))
        .hasMessage("expected KEY=VALUE after the settings file, got 'oops'");
    assertThatThrownBy(
            () -> AdaptationJob.configFromArguments(new String[] {"no.such.key=1"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown setting 'no.such.key'");
  }
}
