package dev.gatestream.gating.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.gating.InvalidInputException;
import dev.gatestream.gating.RoutingInput;
import org.junit.jupiter.api.Test;

class FeaturizersTest {

  private static final int MAX_TEXT = TextInputs.DEFAULT_MAX_LENGTH;

  @Test
  void buildsEachKind() {
    assertThat(Featurizers.create("numeric", 12, 0, MAX_TEXT)).isInstanceOf(NumericFeaturizer.class);
    assertThat(Featurizers.create("HASHED", 1024, 0, MAX_TEXT)).isInstanceOf(HashedTextFeaturizer.class);
    Featurizer projected = Featurizers.create("hashed", 1024, 64, MAX_TEXT);
    assertThat(projected).isInstanceOf(ProjectedFeaturizer.class);
    assertThat(projected.dimension()).isEqualTo(64);
  }

  @Test
  void explainsBadSpecs() {
    assertThatThrownBy(() -> Featurizers.create("bert", 768, 0, MAX_TEXT))
        .hasMessage("unknown featurizer kind 'bert', expected numeric, hashed or minilm");
    assertThatThrownBy(() -> Featurizers.create("minilm", 768, 0, MAX_TEXT))
        .hasMessage("the minilm featurizer gives 384 features, not 768 (use projectionDimension to shrink it)");
    assertThatThrownBy(() -> Featurizers.create("hashed", 256, 512, MAX_TEXT))
        .hasMessage("projection dimension 512 is not smaller than the hashed featurizer's 256");
  }

  @Test
  void textFeaturizersRefuseTextsOverTheConfiguredLength() {
    Featurizer hashed = Featurizers.create("hashed", 16, 0, 10);
    RoutingInput tooLong = new RoutingInput("r1", null, "eleven char", null, null);

    assertThat(hashed.featurize(new RoutingInput("r1", null, "ten chars.", null, null))).hasSize(16);
    assertThatThrownBy(() -> hashed.featurize(tooLong)).isInstanceOf(InvalidInputException.class);
  }
}
