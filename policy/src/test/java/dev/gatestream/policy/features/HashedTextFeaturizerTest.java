package dev.gatestream.policy.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashedTextFeaturizerTest {

  private final HashedTextFeaturizer featurizer = new HashedTextFeaturizer(1024);

  private static RoutingInput text(String text) {
    return new RoutingInput("r1", null, text, null, null);
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      normA += a[i] * a[i];
      normB += b[i] * b[i];
    }
    return dot / Math.sqrt(normA * normB);
  }

  private static double norm(float[] a) {
    return Math.sqrt(cosineSelfDot(a));
  }

  private static double cosineSelfDot(float[] a) {
    double sum = 0;
    for (float value : a) {
      sum += value * value;
    }
    return sum;
  }

  @Test
  void givesAnL2NormalizedVectorOfTheConfiguredDimension() {
    float[] features = featurizer.featurize(text("Translate this sentence into French, please."));
    assertThat(features).hasSize(1024);
    assertThat(norm(features)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void isDeterministicAndIgnoresCaseAndWhitespaceRuns() {
    float[] a = featurizer.featurize(text("Hello   World"));
    float[] b = featurizer.featurize(text("hello world"));
    assertThat(a).containsExactly(b);
  }

  @Test
  void similarTextsAreCloserThanUnrelatedOnes() {
    float[] code =
        featurizer.featurize(text("write a python function that sorts a list of integers"));
    float[] similarCode =
        featurizer.featurize(text("write a python function that reverses a list of strings"));
    float[] cooking = featurizer.featurize(text("how long should I boil an egg for a soft yolk?"));
    assertThat(cosine(code, similarCode)).isGreaterThan(cosine(code, cooking) + 0.2);
  }

  @Test
  void wordOrderMattersThroughBigrams() {
    HashedTextFeaturizer wordsOnly = new HashedTextFeaturizer(1 << 16);
    float[] a = wordsOnly.featurize(text("dog bites man"));
    float[] b = wordsOnly.featurize(text("man bites dog"));
    assertThat(cosine(a, b)).isLessThan(0.999);
  }

  @Test
  void theTaskLabelIsAFeatureWhenAsked() {
    RoutingInput summarize = new RoutingInput("r1", "summarize", "the same text", null, null);
    RoutingInput translate = new RoutingInput("r2", "translate", "the same text", null, null);
    assertThat(featurizer.featurize(summarize)).isNotEqualTo(featurizer.featurize(translate));

    HashedTextFeaturizer withoutTask = new HashedTextFeaturizer(1024, false, 100_000);
    assertThat(withoutTask.featurize(summarize)).containsExactly(withoutTask.featurize(translate));
  }

  @Test
  void usesBothSignsSoCollisionsCancelOnAverage() {
    float[] features =
        new HashedTextFeaturizer(64, false, 100_000)
            .featurize(
                text("a fairly long sentence with many different words and characters in it"));
    long positive = countMatching(features, true);
    long negative = countMatching(features, false);
    assertThat(positive).isPositive();
    assertThat(negative).isPositive();
  }

  private static long countMatching(float[] features, boolean positive) {
    long count = 0;
    for (float value : features) {
      if (positive ? value > 0 : value < 0) {
        count++;
      }
    }
    return count;
  }

  @Test
  void punctuationOnlyTextStillHasFeatures() {
    assertThat(norm(featurizer.featurize(text("?!")))).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void refusesMissingBlankAndOverlongText() {
    assertThatThrownBy(() -> featurizer.featurize(text(null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("request has no text");
    assertThatThrownBy(() -> featurizer.featurize(text(" \n\t ")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("text is blank");
    assertThatThrownBy(() -> featurizer.featurize(text("x".repeat(100_001))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("text has 100001 characters, more than the 100000 allowed");
    assertThatThrownBy(() -> new HashedTextFeaturizer(16, true, 10).featurize(text("eleven chars")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("text has 12 characters, more than the 10 allowed");
  }

  @Test
  void featurizeAllMatchesOneByOne() {
    List<RoutingInput> inputs = List.of(text("first prompt"), text("second prompt"));
    List<float[]> batch = featurizer.featurizeAll(inputs);
    assertThat(batch.get(1)).containsExactly(featurizer.featurize(inputs.get(1)));
  }
}
