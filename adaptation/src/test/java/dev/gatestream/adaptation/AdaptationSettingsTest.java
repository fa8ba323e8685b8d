package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.learning.LearnerKind;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptationSettingsTest {

  private static AdaptationSettings settings(Map<String, String> values) {
    return AdaptationSettings.from(new GatestreamConfig(new HashMap<>(values)));
  }

  @Test
  void defaultsFollowTheRouterGateAndFeaturizer() {
    AdaptationSettings settings = settings(Map.of("experts", "a,b"));

    assertThat(settings.experts()).containsExactly("a", "b");
    assertThat(settings.learner().kind()).isEqualTo(LearnerKind.RIDGE);
    // task32 + hashed32 + length1
    assertThat(settings.learner().featureDimension()).isEqualTo(65);
    assertThat(settings.publishEveryUpdates()).isEqualTo(50);
  }

  @Test
  void theSuccessPredictorGetsTheLogisticLearnerAndNoOther() {
    assertThat(settings(Map.of("router.gate", "success-predictor")).learner().kind())
        .isEqualTo(LearnerKind.LOGISTIC);
    assertThatThrownBy(
            () ->
                settings(
                    Map.of("router.gate", "success-predictor", "adaptation.learner", "linucb")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theKnnGateGetsTheKnnLearnerWithItsMemorySettings() {
    AdaptationSettings settings =
        settings(
            Map.of(
                "router.gate",
                "knn",
                "router.features",
                "minilm",
                "adaptation.knn.capacity",
                "2000",
                "adaptation.knn.centroids",
                "64"));

    assertThat(settings.learner().kind()).isEqualTo(LearnerKind.KNN);
    assertThat(settings.learner().featureDimension()).isEqualTo(384);
    assertThat(settings.learner().knnCapacity()).isEqualTo(2000);
    assertThat(settings.learner().knnCentroids()).isEqualTo(64);
    assertThatThrownBy(() -> settings(Map.of("router.gate", "bandit", "adaptation.learner", "knn")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings(Map.of("router.gate", "knn", "adaptation.learner", "ridge")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void weightsHaveTheDimensionTheRouterScores() {
    assertThat(
            settings(Map.of("router.features", "minilm", "router.gate", "softmax-top-k"))
                .learner()
                .featureDimension())
        .isEqualTo(384);
    assertThat(
            settings(Map.of("router.features", "task,minilm", "router.projection.dimension", "48"))
                .learner()
                .featureDimension())
        .isEqualTo(80);
    assertThat(
            settings(Map.of("router.features", "numeric", "router.feature.dimension", "12"))
                .learner()
                .featureDimension())
        .isEqualTo(12);
    // The ridge learner's variances do not survive a projection: too many features is a
    // configuration error.
    assertThatThrownBy(() -> settings(Map.of("router.features", "minilm")))
        .hasMessageContaining(
            "the ridge learner takes at most 128 features, the router's layout has 384");
  }
}
