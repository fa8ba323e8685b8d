package dev.gatestream.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ExpertCatalogTest {

  private static GatestreamConfig config(String prices) {
    return new ConfigLoader(Map.of())
        .load(
            null,
            Map.of(
                GatestreamConfig.EXPERTS, "gpt-4-1106-preview,mistralai/Mixtral-8x7B-Instruct-v0.1",
                GatestreamConfig.EXPERTS_REPLAY_LOG, "log.csv",
                GatestreamConfig.EXPERTS_PRICES, prices));
  }

  @Test
  void replayedExpertsTakeTheirConfiguredPriceAndZeroOtherwise() {
    List<ExpertSpec> experts =
        ExpertCatalog.load(config("gpt-4-1106-preview=0.03"), Path.of("/tmp"));

    assertThat(experts)
        .extracting(ExpertSpec::name, ExpertSpec::pricePerCall)
        .containsExactly(
            tuple("gpt-4-1106-preview", 0.03), tuple("mistralai/Mixtral-8x7B-Instruct-v0.1", 0.0));
  }

  @Test
  void aPriceForAnUnknownExpertOrWithoutANumberIsRefused() {
    assertThatThrownBy(() -> ExpertCatalog.load(config("gpt-5=0.1"), Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'gpt-5', which is not a replayed expert");
    assertThatThrownBy(
            () -> ExpertCatalog.load(config("gpt-4-1106-preview=cheap"), Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'gpt-4-1106-preview=cheap' is not 'expert=price'");
  }
}
