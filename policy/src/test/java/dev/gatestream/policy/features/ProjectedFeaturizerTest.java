package dev.gatestream.policy.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.RoutingInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectedFeaturizerTest {

  private static RoutingInput text(String text) {
    return new RoutingInput("r1", null, text, null, null);
  }

  @Test
  void sameSeedSameProjectionOtherSeedOtherProjection() {
    Featurizer inner = new HashedTextFeaturizer(2048);
    RoutingInput input = text("route me to the cheapest good expert");
    float[] a = new ProjectedFeaturizer(inner, 64, 1L).featurize(input);
    float[] b = new ProjectedFeaturizer(inner, 64, 1L).featurize(input);
    float[] c = new ProjectedFeaturizer(inner, 64, 2L).featurize(input);
    assertThat(a).hasSize(64).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void roughlyKeepsNormsAndNameTellsTheSetup() {
    ProjectedFeaturizer projected =
        new ProjectedFeaturizer(new HashedTextFeaturizer(4096), 256, 7L);
    assertThat(projected.dimension()).isEqualTo(256);
    assertThat(projected.name()).isEqualTo("hashed-projected-256-seed-7");
    // Inner vectors have norm 1; a N(0, 1/256) projection keeps that within a few tens of percent.
    for (String prompt : List.of("one prompt", "another rather different prompt", "x y z")) {
      assertThat(norm(projected.featurize(text(prompt)))).isCloseTo(1.0, within(0.3));
    }
  }

  @Test
  void batchesThroughTheInner() {
    ProjectedFeaturizer projected = new ProjectedFeaturizer(new HashedTextFeaturizer(512), 32, 3L);
    List<float[]> batch = projected.featurizeAll(List.of(text("a b c"), text("d e f")));
    assertThat(batch).hasSize(2);
    assertThat(batch.get(0)).containsExactly(projected.featurize(text("a b c")));
  }

  private static double norm(float[] vector) {
    double sum = 0;
    for (float value : vector) {
      sum += value * value;
    }
    return Math.sqrt(sum);
  }
}
