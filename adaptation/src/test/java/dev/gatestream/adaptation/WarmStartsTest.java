package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.adaptation.events.WarmStart;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.learning.ExpertFeedback;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import dev.gatestream.policy.learning.PolicyLearner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmStartsTest {

  private static final AdaptationSettings SETTINGS =
      new AdaptationSettings(
          List.of("a", "b"),
          LearnerSettings.defaults(LearnerKind.RIDGE, 2),
          0,
          3,
          1_000,
          60_000,
          0);

  private static RoutingWeights weights(String policy, long version, double quality, int examples) {
    PolicyLearner learner = new PolicyLearner(SETTINGS.learner(), SETTINGS.experts());
    for (int i = 0; i < examples; i++) {
      learner.update(
          new float[] {1, 0}, List.of(new ExpertFeedback("a", quality, quality, 1, 0.01)));
    }
    Map<String, List<Double>> parameters = new LinkedHashMap<>();
    learner
        .parameters(version)
        .forEach((name, values) -> parameters.put(name, Arrays.stream(values).boxed().toList()));
    return RoutingWeights.newBuilder()
        .setPolicy(policy)
        .setVersion(version)
        .setExperts(learner.experts())
        .setFeatureDimension(2)
        .setParameters(parameters)
        .setExamples(examples)
        .setPublishedAtMs(version)
        .build();
  }

  private static RoutingWeights poisoned(RoutingWeights weights) {
    Map<String, List<Double>> parameters = new LinkedHashMap<>(weights.getParameters());
    parameters.put("cost", List.of(Double.NaN, 0.0));
    return RoutingWeights.newBuilder(weights).setParameters(parameters).build();
  }

  private static double bias(WarmStart start, int expert) {
    return PolicyLearner.fromBytes(SETTINGS.learner(), SETTINGS.experts(), start.learner())
        .orElseThrow()
        .parameters(1)
        .get("b")[expert];
  }

  @Test
  void eachPolicyResumesFromItsNewestFiniteSnapshotWhateverTheOrderRead() {
    WarmStarts warmStarts = new WarmStarts();
    warmStarts.offer(weights("p", 20, 0.9, 50));
    warmStarts.offer(weights("p", 10, 0.1, 40)); // older, read later
    warmStarts.offer(poisoned(weights("p", 30, 0.5, 60))); // newer, but not finite
    warmStarts.offer(weights("q", 5, 0.3, 30));

    Map<String, WarmStart> starts = warmStarts.resume(SETTINGS, 20);

    assertThat(starts.keySet()).containsExactlyInAnyOrder("p", "q");
    assertThat(starts.get("p").version()).isEqualTo(20);
    assertThat(starts.get("p").examples()).isEqualTo(50);
    assertThat(bias(starts.get("p"), 0))
        .isEqualTo(weights("p", 20, 0.9, 50).getParameters().get("b").get(0), within(1e-9));
    assertThat(starts.get("q").version()).isEqualTo(5);
  }

  @Test
  void aSnapshotThatDoesNotFitTheLearnerLeavesItsPolicyToThePrior() {
    WarmStarts warmStarts = new WarmStarts();
    warmStarts.offer(
        RoutingWeights.newBuilder(weights("p", 20, 0.9, 50)).setFeatureDimension(3).build());

    assertThat(warmStarts.resume(SETTINGS, 20)).isEmpty();
  }
}
