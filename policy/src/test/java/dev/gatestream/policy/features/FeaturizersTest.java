package dev.gatestream.policy.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeaturizersTest {

  private static final int MAX_TEXT = TextInputs.DEFAULT_MAX_LENGTH;

  @Test
  void concatenatesTheBlocksInTheConfiguredOrder() {
    FeatureSpec spec = FeatureSpec.of(List.of("task", "hashed", "length"), 8, 16, 0);
    Featurizer featurizer = Featurizers.create(spec, MAX_TEXT);
    float[] features =
        featurizer.featurize(new RoutingInput("r1", "mmlu", "What is 2 + 2?", null, null));

    assertThat(featurizer.name()).isEqualTo("task8+hashed16+length1").isEqualTo(spec.name());
    assertThat(features).hasSize(25).hasSize(spec.dimension());
    assertThat(spec.offset(FeatureSpec.Block.HASHED)).isEqualTo(8);
    assertThat(sum(features, 0, 8)).isEqualTo(1f);
    assertThat(features[24])
        .isCloseTo((float) (Math.log1p(14) / 10), org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void theTaskBlockIsOneHotAndEmptyForAnUnlabelledRequest() {
    Featurizer task = Featurizers.create(FeatureSpec.single(FeatureSpec.Block.TASK, 32), MAX_TEXT);
    float[] mmlu = task.featurize(new RoutingInput("r1", "mmlu", null, null, null));
    float[] sameAgain = task.featurize(new RoutingInput("r2", " MMLU ", null, null, null));
    float[] none = task.featurize(new RoutingInput("r3", null, "text", null, null));

    assertThat(sum(mmlu, 0, 32)).isEqualTo(1f);
    assertThat(sameAgain).containsExactly(mmlu);
    assertThat(sum(none, 0, 32)).isZero();
  }

  @Test
  void batchesMatchOneByOne() {
    Featurizer featurizer =
        Featurizers.create(FeatureSpec.of(List.of("hashed", "task"), 4, 32, 0), MAX_TEXT);
    List<RoutingInput> inputs =
        List.of(
            new RoutingInput("a", "x", "first text", null, null),
            new RoutingInput("b", null, "second text", null, null));

    List<float[]> batch = featurizer.featurizeAll(inputs);

    assertThat(batch.get(0)).containsExactly(featurizer.featurize(inputs.get(0)));
    assertThat(batch.get(1)).containsExactly(featurizer.featurize(inputs.get(1)));
  }

  @Test
  void explainsBadSpecs() {
    assertThatThrownBy(() -> FeatureSpec.of(List.of("bert"), 8, 8, 0))
        .hasMessage(
            "unknown feature block 'bert', expected task, hashed, minilm, numeric or length");
    assertThatThrownBy(() -> FeatureSpec.of(List.of("task", "task"), 8, 8, 0))
        .hasMessage("feature blocks [task, task] name a block twice");
    assertThatThrownBy(() -> FeatureSpec.of(List.of("minilm"), 8, 8, 512))
        .hasMessage("the MiniLM projection must be 0 (none) or below 384, got 512");
    assertThat(FeatureSpec.of(List.of("minilm", "task"), 16, 8, 48).dimension()).isEqualTo(64);
  }

  @Test
  void textBlocksRefuseTextsOverTheConfiguredLength() {
    Featurizer hashed = Featurizers.create(FeatureSpec.single(FeatureSpec.Block.HASHED, 16), 10);
    RoutingInput tooLong = new RoutingInput("r1", null, "eleven char", null, null);

    assertThat(hashed.featurize(new RoutingInput("r1", null, "ten chars.", null, null)))
        .hasSize(16);
    assertThatThrownBy(() -> hashed.featurize(tooLong)).isInstanceOf(InvalidInputException.class);
  }

  private static float sum(float[] values, int from, int to) {
    float sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum;
  }
}
