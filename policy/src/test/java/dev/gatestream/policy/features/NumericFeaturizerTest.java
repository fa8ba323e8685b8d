package dev.gatestream.policy.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import org.junit.jupiter.api.Test;

class NumericFeaturizerTest {

  private final NumericFeaturizer featurizer = new NumericFeaturizer(3);

  private static RoutingInput withFeatures(float... features) {
    return new RoutingInput("r1", null, null, features, null);
  }

  @Test
  void returnsTheFeaturesAsGivenInACopy() {
    float[] given = {1f, -2.5f, 0f};
    float[] features = featurizer.featurize(withFeatures(given));
    assertThat(features).containsExactly(1f, -2.5f, 0f);
    given[0] = 9f;
    assertThat(features[0]).isEqualTo(1f);
    assertThat(featurizer.dimension()).isEqualTo(3);
  }

  @Test
  void refusesMissingFeatures() {
    assertThatThrownBy(() -> featurizer.featurize(new RoutingInput("r1", null, "text", null, null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("request has no numeric features, expected 3");
  }

  @Test
  void refusesTheWrongDimension() {
    assertThatThrownBy(() -> new NumericFeaturizer(384).featurize(withFeatures(new float[12])))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("expected 384 features, got 12");
  }

  @Test
  void refusesNonFiniteValues() {
    assertThatThrownBy(() -> featurizer.featurize(withFeatures(0f, 1f, Float.NaN)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("feature 2 is NaN");
    assertThatThrownBy(() -> featurizer.featurize(withFeatures(Float.NEGATIVE_INFINITY, 1f, 2f)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("feature 0 is -Infinity");
  }
}
