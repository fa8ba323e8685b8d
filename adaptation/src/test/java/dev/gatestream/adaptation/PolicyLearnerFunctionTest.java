package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.LearnerInput;
import dev.gatestream.adaptation.events.Lineage;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.adaptation.events.WarmStart;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.learning.ExpertFeedback;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import dev.gatestream.policy.learning.PolicyLearner;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PolicyLearnerFunctionTest {

  private static final AdaptationSettings SETTINGS =
      new AdaptationSettings(
          List.of("a", "b"),
          LearnerSettings.defaults(LearnerKind.LINEAR, 2),
          0,
          3,
          1_000,
          60_000,
          0);

  private final CapturedMetrics metrics = new CapturedMetrics();

  private KeyedOneInputStreamOperatorTestHarness<String, LearnerInput, PublishedWeights> harness(
      OperatorSubtaskState restoreFrom) throws Exception {
    return harness(restoreFrom, metrics);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, LearnerInput, PublishedWeights>
      harness(OperatorSubtaskState restoreFrom, CapturedMetrics metrics) throws Exception {
    return harness(restoreFrom, metrics, Map.of());
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, LearnerInput, PublishedWeights>
      harness(
          OperatorSubtaskState restoreFrom,
          CapturedMetrics metrics,
          Map<String, WarmStart> warmStarts)
          throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new PolicyLearnerFunction(SETTINGS, warmStarts)),
            LearnerInput::policy,
            Types.STRING,
            metrics.environment());
    harness.setup();
    if (restoreFrom != null) {
      harness.initializeState(restoreFrom);
    }
    harness.open();
    return harness;
  }

  private static TrainingExample example(String policy, String expert, double reward, long at) {
    return new TrainingExample(
        "r" + at,
        policy,
        new float[] {1, 0},
        new ExpertFeedback[] {new ExpertFeedback(expert, reward, reward, 1, 0)},
        at);
  }

  @Test
  void publishesEveryNUpdatesWithIncreasingVersions() throws Exception {
    try (var harness = harness(null)) {
      for (int i = 1; i <= 7; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      List<PublishedWeights> published = harness.extractOutputValues();
      assertThat(published).extracting(PublishedWeights::version).containsExactly(1L, 2L);
      assertThat(published).extracting(PublishedWeights::examples).containsExactly(3L, 6L);
      PublishedWeights first = published.get(0);
      assertThat(first.policy()).isEqualTo("p");
      assertThat(first.experts()).containsExactly("a", "b");
      assertThat(first.featureDimension()).isEqualTo(2);
      assertThat(first.blockNames()).containsExactly("w:a", "w:b", "b", "reliability");
      assertThat(first.block("w:a")).hasSize(2);
      assertThat(first.oldestFeedbackAtMs()).isEqualTo(1);
    }
  }

  @Test
  void countsExamplesAndPublicationsAndShowsTheLatestPublicationPerPolicy() throws Exception {
    try (var harness = harness(null)) {
      harness.setProcessingTime(5_000);
      for (int i = 1; i <= 4; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      harness.processElement(
          LearnerInput.of(
              new TrainingExample(
                  "unfit",
                  "p",
                  new float[5],
                  new ExpertFeedback[] {new ExpertFeedback("a", 1, 1, 1, 0)},
                  9)),
          9);
      harness.processElement(LearnerInput.of(example("q", "b", 0, 1)), 1);

      Map<String, String> p = Map.of("<policy>", "p");
      assertThat(metrics.count("gatestream.policy.examples", p)).isEqualTo(4);
      assertThat(metrics.count("gatestream.policy.examplesUnfit", p)).isEqualTo(1);
      assertThat(metrics.count("gatestream.policy.weightsPublished", p)).isEqualTo(1);
      assertThat(metrics.gauge("gatestream.policy.weightsVersion", p))
          .isEqualTo(5_000L * PolicyLearnerFunction.VERSIONS_PER_MS);
      assertThat(metrics.gauge("gatestream.policy.lastPublishEpochMs", p)).isEqualTo(5_000L);
      assertThat(metrics.gauge("gatestream.policy.feedbackToPublicationMs", p))
          .isEqualTo(5_000L - 1);
      assertThat(
              (Double)
                  metrics.gauge(
                      "gatestream.policy.expert.reward", Map.of("<policy>", "p", "<expert>", "a")))
          .isGreaterThan(
              (Double)
                  metrics.gauge(
                      "gatestream.policy.expert.reward", Map.of("<policy>", "q", "<expert>", "b")));

      Map<String, String> q = Map.of("<policy>", "q");
      assertThat(metrics.count("gatestream.policy.examples", q)).isEqualTo(1);
      assertThat(metrics.count("gatestream.policy.weightsPublished", q)).isZero();
      assertThat(metrics.gauge("gatestream.policy.weightsVersion", q)).isEqualTo(0L);
      assertThat(metrics.gauge("gatestream.policy.lastPublishEpochMs", q)).isEqualTo(0L);
    }
  }

  @Test
  void publishesPendingUpdatesAfterTheIntervalWithoutMoreExamples() throws Exception {
    try (var harness = harness(null)) {
      harness.setProcessingTime(10);
      harness.processElement(LearnerInput.of(example("p", "a", 1, 1)), 1);
      harness.setProcessingTime(1_009);
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.setProcessingTime(1_010);

      assertThat(harness.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> {
                assertThat(weights.version())
                    .isEqualTo(1_010 * PolicyLearnerFunction.VERSIONS_PER_MS);
                assertThat(weights.examples()).isEqualTo(1);
              });
      harness.setProcessingTime(5_000);
      assertThat(harness.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void policiesLearnAndVersionSeparately() throws Exception {
    try (var harness = harness(null)) {
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
        harness.processElement(LearnerInput.of(example("q", "b", 0, i)), i);
      }

      assertThat(harness.extractOutputValues())
          .extracting(PublishedWeights::policy)
          .containsExactly("p", "q");
      assertThat(harness.extractOutputValues())
          .extracting(PublishedWeights::version)
          .containsExactly(1L, 1L);
    }
  }

  @Test
  void learningAndVersionsContinueAfterRestoreFromASnapshot() throws Exception {
    OperatorSubtaskState snapshot;
    List<PublishedWeights> before;
    try (var harness = harness(null)) {
      for (int i = 1; i <= 4; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      before = harness.extractOutputValues();
      snapshot = harness.snapshot(1, 4);
    }

    List<PublishedWeights> uninterrupted;
    try (var harness = harness(null)) {
      for (int i = 1; i <= 6; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      uninterrupted = harness.extractOutputValues();
    }

    try (var restored = harness(snapshot)) {
      for (int i = 5; i <= 6; i++) {
        restored.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      assertThat(before).extracting(PublishedWeights::version).containsExactly(1L);
      assertThat(restored.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> {
                assertThat(weights.version()).isEqualTo(2);
                assertThat(weights.examples()).isEqualTo(6);
                // Nothing learned before the snapshot is lost: the same weights as a run that never
                // stopped.
                assertThat(weights.block("b")).containsExactly(uninterrupted.get(1).block("b"));
                assertThat(weights.block("w:a")).containsExactly(uninterrupted.get(1).block("w:a"));
              });
    }
  }

  @Test
  void aRestoredTaskShowsTheVersionItRestoredUntilItPublishesAgain() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness(null, new CapturedMetrics())) {
      for (int i = 1; i <= 4; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      snapshot = harness.snapshot(1, 4);
    }

    try (var restored = harness(snapshot)) {
      restored.processElement(LearnerInput.of(example("p", "a", 1, 5)), 5);
      assertThat(metrics.gauge("gatestream.policy.weightsVersion", Map.of("<policy>", "p")))
          .isEqualTo(1L);
      restored.processElement(LearnerInput.of(example("p", "a", 1, 6)), 6);
      assertThat(metrics.gauge("gatestream.policy.weightsVersion", Map.of("<policy>", "p")))
          .isEqualTo(2L);
      assertThat(metrics.count("gatestream.policy.weightsPublished", Map.of("<policy>", "p")))
          .isEqualTo(1);
    }
  }

  @Test
  void examplesOfAnotherFeatureDimensionAreSkipped() throws Exception {
    try (var harness = harness(null)) {
      for (int i = 1; i <= 3; i++) {
        harness.processElement(
            LearnerInput.of(
                new TrainingExample(
                    "r" + i,
                    "p",
                    new float[5],
                    new ExpertFeedback[] {new ExpertFeedback("a", 1, 1, 1, 0)},
                    i)),
            i);
      }

      assertThat(harness.extractOutputValues()).isEmpty();
    }
  }

  private static TrainingExample example(String id, float[] features, ExpertFeedback... experts) {
    return new TrainingExample(id, "p", features, experts, 1);
  }

  private static void assertFinite(PublishedWeights weights) {
    for (double[] block : weights.blocks()) {
      for (double value : block) {
        assertThat(value).isFinite();
      }
    }
  }

  @Test
  void examplesWithNonFiniteNumbersAreRejectedAndCountedByReasonAndNeverPublished()
      throws Exception {
    try (var harness = harness(null)) {
      harness.processElement(
          LearnerInput.of(
              example(
                  "nan-feature", new float[] {Float.NaN, 0}, new ExpertFeedback("a", 1, 1, 1, 0))),
          1);
      harness.processElement(
          LearnerInput.of(
              example(
                  "nan-cost",
                  new float[] {1, 0},
                  new ExpertFeedback("a", 1, 1, 1, 0),
                  new ExpertFeedback("b", 1, 1, 1, Double.NaN))),
          2);
      harness.processElement(
          LearnerInput.of(
              example(
                  "inf-reward",
                  new float[] {1, 0},
                  new ExpertFeedback("b", 0, Double.NEGATIVE_INFINITY, 1, 0))),
          3);
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      Map<String, String> p = Map.of("<policy>", "p");
      assertThat(
              metrics.count(
                  "gatestream.policy.reason.examplesRejected",
                  Map.of("<policy>", "p", "<reason>", "nonFiniteFeatures")))
          .isEqualTo(1);
      assertThat(
              metrics.count(
                  "gatestream.policy.reason.examplesRejected",
                  Map.of("<policy>", "p", "<reason>", "nonFiniteOutcome")))
          .isEqualTo(2);
      assertThat(metrics.count("gatestream.policy.examples", p)).isEqualTo(3);
      assertThat(metrics.count("gatestream.policy.examplesUnfit", p)).isZero();
      assertThat(harness.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> {
                assertThat(weights.examples()).isEqualTo(3);
                assertFinite(weights);
              });
    }
  }

  @Test
  void aSnapshotThatWouldNotBeFiniteIsWithheldAndTheLearnerGoesBackToItsLastPublication()
      throws Exception {
    // Finite, but its squared gradient overflows: the state is poisoned though every input was
    // finite.
    TrainingExample overflow =
        example(
            "overflow", new float[] {1, 0}, new ExpertFeedback("a", 0, -Double.MAX_VALUE, 1, 0));
    List<PublishedWeights> published;
    try (var harness = harness(null)) {
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      harness.processElement(LearnerInput.of(overflow), 4);
      for (int i = 5; i <= 6; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 0, i)), i);
      }
      for (int i = 7; i <= 9; i++) {
        harness.processElement(LearnerInput.of(example("p", "b", 1, i)), i);
      }
      published = harness.extractOutputValues();
    }
    List<PublishedWeights> uninterrupted;
    try (var harness = harness(null, new CapturedMetrics())) {
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      for (int i = 7; i <= 9; i++) {
        harness.processElement(LearnerInput.of(example("p", "b", 1, i)), i);
      }
      uninterrupted = harness.extractOutputValues();
    }

    Map<String, String> p = Map.of("<policy>", "p");
    assertThat(metrics.count("gatestream.policy.snapshotsWithheld", p)).isEqualTo(1);
    assertThat(metrics.count("gatestream.policy.examplesRolledBack", p)).isEqualTo(3);
    assertThat(metrics.count("gatestream.policy.weightsPublished", p)).isEqualTo(2);
    assertThat(published).extracting(PublishedWeights::version).containsExactly(1L, 2L);
    assertThat(published).extracting(PublishedWeights::examples).containsExactly(3L, 6L);
    published.forEach(PolicyLearnerFunctionTest::assertFinite);
    // Learning went on from the last publication as if the three examples since had never come.
    assertThat(published.get(1).block("w:a")).containsExactly(uninterrupted.get(1).block("w:a"));
    assertThat(published.get(1).block("w:b")).containsExactly(uninterrupted.get(1).block("w:b"));
    assertThat(published.get(1).block("b")).containsExactly(uninterrupted.get(1).block("b"));
  }

  @Test
  void aPromotedVersionIsAdoptedAndTheLaterSnapshotsLearnOnFromItWithItsLineage() throws Exception {
    WarmStart promotedWeights = warmStart(0, 500);
    Lineage lineage = new Lineage("softmax-top-k:k=1", "trained@v7", 2L, null);
    try (var harness = harness(null, metrics, Map.of())) {
      for (int i = 1; i <= 6; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      harness.processElement(
          LearnerInput.of(new Adopted("p", 3, 500, promotedWeights.learner(), lineage, 7)), 7);
      for (int i = 8; i <= 10; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      List<PublishedWeights> published = harness.extractOutputValues();
      assertThat(published).extracting(PublishedWeights::version).containsExactly(1L, 2L, 4L);
      assertThat(published.get(1).lineage()).isNull();
      PublishedWeights after = published.get(2);
      // The promoted weights' 500 examples and the 3 since, not the 6 learned before.
      assertThat(after.examples()).isEqualTo(503);
      assertThat(after.lineage()).isEqualTo(lineage);
      assertThat(metrics.count("gatestream.policy.versionsAdopted", Map.of("<policy>", "p")))
          .isEqualTo(1);
    }
  }

  @Test
  void aPromotedGateWithoutFittingWeightsKeepsTheLearnerAndCarriesTheLineage() throws Exception {
    Lineage lineage = new Lineage("task-rules:default.experts=b", "trained@v0", 1L, null);
    try (var harness = harness(null)) {
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      harness.processElement(LearnerInput.of(new Adopted("p", 2, 0, null, lineage, 4)), 4);
      for (int i = 5; i <= 7; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      List<PublishedWeights> published = harness.extractOutputValues();
      assertThat(published).extracting(PublishedWeights::version).containsExactly(1L, 3L);
      assertThat(published.get(1).examples()).isEqualTo(6);
      assertThat(published.get(1).lineage()).isEqualTo(lineage);
    }
  }

  @Test
  void aVersionNotNewerThanThePublishedOneIsPassedOver() throws Exception {
    try (var harness = harness(null)) {
      for (int i = 1; i <= 6; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      // An archived copy of an earlier promotion.
      harness.processElement(
          LearnerInput.of(new Adopted("p", 2, 0, null, new Lineage(null, "p@v1", 1L, null), 7)), 7);
      for (int i = 8; i <= 10; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      List<PublishedWeights> published = harness.extractOutputValues();
      assertThat(published).extracting(PublishedWeights::version).containsExactly(1L, 2L, 3L);
      assertThat(published.get(2).lineage()).isNull();
      assertThat(published.get(2).examples()).isEqualTo(9);
    }
  }

  @Test
  void theLineageOutlivesARestoreFromACheckpoint() throws Exception {
    Lineage lineage = new Lineage("task-rules:default.experts=b", "trained@v0", 1L, null);
    OperatorSubtaskState checkpoint;
    try (var harness = harness(null)) {
      harness.processElement(LearnerInput.of(new Adopted("p", 2, 0, null, lineage, 1)), 1);
      checkpoint = harness.snapshot(1, 1);
    }
    try (var restored = harness(checkpoint)) {
      for (int i = 2; i <= 4; i++) {
        restored.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      assertThat(restored.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> {
                assertThat(weights.version()).isEqualTo(3);
                assertThat(weights.lineage()).isEqualTo(lineage);
              });
    }
  }

  private static WarmStart warmStart(long version, int examples) {
    PolicyLearner learner = new PolicyLearner(SETTINGS.learner(), SETTINGS.experts());
    for (int i = 0; i < examples; i++) {
      learner.update(new float[] {1, 0}, List.of(new ExpertFeedback("b", 0.2, 0.2, 1, 0)));
    }
    WeightsSnapshot snapshot =
        new WeightsSnapshot("p", version, learner.experts(), 2, learner.parameters(version));
    PolicyLearner resumed =
        PolicyLearner.fromSnapshot(SETTINGS.learner(), SETTINGS.experts(), snapshot, examples, 20)
            .orElseThrow();
    return new WarmStart(version, examples, resumed.toBytes(), null);
  }

  @Test
  void versionsStayAboveWhatWasPublishedAfterTheCheckpointAJobRestoresFrom() throws Exception {
    OperatorSubtaskState checkpoint;
    List<PublishedWeights> beforeCrash;
    try (var harness = harness(null)) {
      harness.setProcessingTime(1_000);
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      checkpoint = harness.snapshot(1, 3);
      // Published at least once, after the checkpoint: routers already run these versions.
      for (int i = 4; i <= 12; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      beforeCrash = harness.extractOutputValues();
    }
    long newestBeforeCrash =
        beforeCrash.stream().mapToLong(PublishedWeights::version).max().orElseThrow();

    try (var restored = harness(checkpoint)) {
      restored.setProcessingTime(1_001);
      for (int i = 4; i <= 6; i++) {
        restored.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      assertThat(beforeCrash).hasSize(4);
      assertThat(restored.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> {
                assertThat(weights.version()).isGreaterThan(newestBeforeCrash);
                assertThat(weights.examples()).isEqualTo(6);
                // The same weights as the first run's second snapshot: learning is exactly once.
                assertThat(weights.block("w:a")).containsExactly(beforeCrash.get(1).block("w:a"));
              });
    }
  }

  @Test
  void aTimerRestoredFromTheCheckpointPublishesAboveWhatItPublishedBeforeTheRestore()
      throws Exception {
    OperatorSubtaskState checkpoint;
    long publishedBeforeRestore;
    try (var harness = harness(null)) {
      harness.setProcessingTime(1_000);
      harness.processElement(LearnerInput.of(example("p", "a", 1, 1)), 1);
      checkpoint = harness.snapshot(1, 1);
      harness.setProcessingTime(2_000);
      publishedBeforeRestore = harness.extractOutputValues().get(0).version();
    }

    try (var restored = harness(checkpoint)) {
      restored.setProcessingTime(2_500);

      assertThat(restored.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> assertThat(weights.version()).isGreaterThan(publishedBeforeRestore));
    }
  }

  @Test
  void aPolicyWithoutStateStartsFromItsWarmStartAndVersionsOnFromIt() throws Exception {
    WarmStart warm = warmStart(5_000, 500);
    PolicyLearner expected =
        PolicyLearner.fromBytes(SETTINGS.learner(), SETTINGS.experts(), warm.learner())
            .orElseThrow();
    try (var harness = harness(null, metrics, Map.of("p", warm))) {
      for (int i = 1; i <= 3; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
        harness.processElement(LearnerInput.of(example("q", "a", 1, i)), i);
        expected.update(new float[] {1, 0}, List.of(new ExpertFeedback("a", 1, 1, 1, 0)));
      }

      List<PublishedWeights> published = harness.extractOutputValues();
      PublishedWeights p = published.get(0);
      assertThat(p.policy()).isEqualTo("p");
      assertThat(p.version()).isEqualTo(5_001);
      assertThat(p.examples()).isEqualTo(503);
      assertThat(p.block("b")).containsExactly(expected.parameters(5_001).get("b"));
      assertThat(metrics.gauge("gatestream.policy.weightsVersion", Map.of("<policy>", "p")))
          .isEqualTo(5_001L);
      // A policy the warm starts do not know starts from the prior.
      PublishedWeights q = published.get(1);
      assertThat(q.policy()).isEqualTo("q");
      assertThat(q.version()).isEqualTo(1);
      assertThat(q.examples()).isEqualTo(3);
    }
  }

  @Test
  void aCheckpointWinsOverTheWarmStart() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness(null, new CapturedMetrics())) {
      for (int i = 1; i <= 4; i++) {
        harness.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }
      snapshot = harness.snapshot(1, 4);
    }

    try (var restored = harness(snapshot, metrics, Map.of("p", warmStart(5_000, 500)))) {
      for (int i = 5; i <= 6; i++) {
        restored.processElement(LearnerInput.of(example("p", "a", 1, i)), i);
      }

      assertThat(restored.extractOutputValues())
          .singleElement()
          .satisfies(
              weights -> {
                assertThat(weights.version()).isEqualTo(2);
                assertThat(weights.examples()).isEqualTo(6);
              });
    }
  }
}
