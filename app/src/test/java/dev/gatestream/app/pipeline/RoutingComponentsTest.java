package dev.gatestream.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.Expert;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RoutingComponentsTest {

  private static final List<Expert> PRODUCTION = List.of(new Expert("a", 0.01));
  private static final List<Expert> SHADOWS = List.of(new Expert("s", 0.02), new Expert("t", 0));

  private static GatestreamConfig promoting(String experts) {
    return new ConfigLoader(Map.of())
        .load(null, Map.of(GatestreamConfig.ROUTER_GATE_PROMOTED_EXPERTS, experts));
  }

  @Test
  void aGateChoosesAmongTheShadowsPromotedIntoIt() {
    assertThat(RoutingComponents.gateExperts(promoting(""), PRODUCTION, SHADOWS))
        .isEqualTo(PRODUCTION);
    assertThat(RoutingComponents.gateExperts(promoting("s"), PRODUCTION, SHADOWS))
        .containsExactly(new Expert("a", 0.01), new Expert("s", 0.02));
    assertThat(RoutingComponents.gateExperts(promoting("t|s"), PRODUCTION, SHADOWS))
        .extracting(Expert::name)
        .containsExactly("a", "t", "s");
  }

  @Test
  void onlyAShadowExpertCanBePromoted() {
    assertThatThrownBy(() -> RoutingComponents.gateExperts(promoting("x"), PRODUCTION, SHADOWS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("x is no shadow expert");
  }

  @Test
  void aPublishedGateSpecPromotesAShadowForTheRouter() {
    GatestreamConfig spec =
        RoutingComponents.candidateConfig(promoting(""), "softmax-top-k:promoted.experts=s");
    assertThat(RoutingComponents.promotedExperts(spec)).containsExactly("s");
  }
}
