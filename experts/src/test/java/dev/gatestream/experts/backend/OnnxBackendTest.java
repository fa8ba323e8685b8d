package dev.gatestream.experts.backend;

import static dev.gatestream.experts.TestTasks.withFeatures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtSession;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.Outcome;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxBackendTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final float[][] CENTRES = {{0, 0}, {4, 0}, {0, 4}};

  @TempDir static Path dir;
  private static float[][] weights;
  private static float[] bias;
  private static float[][] points;
  private static int[] classes;

  /** Trains a 3-class softmax regression on separable 2-D points by full-batch gradient descent. */
  @BeforeAll
  static void train() {
    Random random = new Random(7);
    int n = 150;
    points = new float[n][];
    classes = new int[n];
    for (int i = 0; i < n; i++) {
      classes[i] = i % 3;
      points[i] =
          new float[] {
            CENTRES[classes[i]][0] + (float) random.nextGaussian() * 0.5f,
            CENTRES[classes[i]][1] + (float) random.nextGaussian() * 0.5f
          };
    }
    weights = new float[2][3];
    bias = new float[3];
    for (int epoch = 0; epoch < 300; epoch++) {
      float[][] gw = new float[2][3];
      float[] gb = new float[3];
      for (int i = 0; i < n; i++) {
        double[] p = softmax(points[i]);
        for (int c = 0; c < 3; c++) {
          float err = (float) p[c] - (classes[i] == c ? 1 : 0);
          gb[c] += err / n;
          for (int j = 0; j < 2; j++) {
            gw[j][c] += err * points[i][j] / n;
          }
        }
      }
      for (int c = 0; c < 3; c++) {
        bias[c] -= 0.5f * gb[c];
        for (int j = 0; j < 2; j++) {
          weights[j][c] -= 0.5f * gw[j][c];
        }
      }
    }
  }

  private static double[] softmax(float[] x) {
    double[] z = new double[3];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < 3; c++) {
      z[c] = bias[c] + x[0] * weights[0][c] + x[1] * weights[1][c];
      max = Math.max(max, z[c]);
    }
    double sum = 0;
    for (int c = 0; c < 3; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < 3; c++) {
      z[c] /= sum;
    }
    return z;
  }

  private static OnnxBackend classifier(List<String> labels) throws Exception {
    Path model = dir.resolve("classifier.onnx");
    Files.write(model, OnnxModels.softmaxRegression(weights, bias));
    return new OnnxBackend(
        new BackendSettings.Onnx(model, Optional.empty(), Optional.empty(), labels, 1));
  }

  @Test
  void classifiesABatchWithTheTrainedModel() throws Exception {
    List<ExpertTask> tasks = new ArrayList<>();
    for (int i = 0; i < points.length; i++) {
      tasks.add(withFeatures("r" + i, "clf", points[i]));
    }
    try (OnnxBackend backend = classifier(List.of("origin", "east", "north"))) {
      List<Outcome> outcomes = backend.answer(tasks, TIMEOUT);

      assertThat(outcomes).hasSize(points.length);
      int correct = 0;
      for (int i = 0; i < points.length; i++) {
        ClassProbabilities p = (ClassProbabilities) ((Outcome.Answer) outcomes.get(i)).output();
        assertThat(p.getLabels()).containsExactly("origin", "east", "north");
        double[] expected = softmax(points[i]);
        for (int c = 0; c < 3; c++) {
          assertThat(p.getProbabilities().get(c)).isCloseTo(expected[c], within(1e-5));
        }
        int best = 0;
        for (int c = 1; c < 3; c++) {
          best = p.getProbabilities().get(c) > p.getProbabilities().get(best) ? c : best;
        }
        correct += best == classes[i] ? 1 : 0;
      }
      assertThat(correct).isGreaterThan(140);
    }
  }

  @Test
  void labelsDefaultToClassIndices() throws Exception {
    try (OnnxBackend backend = classifier(List.of())) {
      Outcome.Answer answer =
          (Outcome.Answer) backend.answer(List.of(withFeatures("a", "clf", 4, 0)), TIMEOUT).get(0);
      assertThat(((ClassProbabilities) answer.output()).getLabels()).containsExactly("0", "1", "2");
      assertThat(answer.latencyMs()).isPresent();
    }
  }

  @Test
  void tasksWithoutUsableFeaturesFailAloneAndTheRestAreAnswered() throws Exception {
    try (OnnxBackend backend = classifier(List.of())) {
      List<Outcome> outcomes =
          backend.answer(
              List.of(
                  withFeatures("ok1", "clf", 0, 0),
                  withFeatures("none", "clf"),
                  withFeatures("wide", "clf", 1, 2, 3),
                  withFeatures("ok2", "clf", 0, 4)),
              TIMEOUT);

      assertThat(outcomes.get(0)).isInstanceOf(Outcome.Answer.class);
      assertThat(outcomes.get(1))
          .isEqualTo(Outcome.permanent("request none has no numeric features"));
      assertThat(outcomes.get(2))
          .isEqualTo(Outcome.permanent("request wide has 3 features, the model takes 2"));
      assertThat(outcomes.get(3)).isInstanceOf(Outcome.Answer.class);
    }
  }

  @Test
  void readsAVectorOutputAsScores() throws Exception {
    Path model = dir.resolve("score.onnx");
    Files.write(model, OnnxModels.linearScore(new float[] {0.5f, -1f, 2f}, 0.25f));
    try (OnnxBackend backend =
        new OnnxBackend(
            new BackendSettings.Onnx(
                model, Optional.empty(), Optional.of("score"), List.of(), 1))) {
      List<Outcome> outcomes =
          backend.answer(
              List.of(withFeatures("a", "s", 1, 1, 1), withFeatures("b", "s", 2, 0, -1)), TIMEOUT);

      assertThat(((Outcome.Answer) outcomes.get(0)).output()).isEqualTo(new Score(1.75));
      assertThat(((Outcome.Answer) outcomes.get(1)).output()).isEqualTo(new Score(-0.75));
    }
  }

  @Test
  void mismatchedLabelsFailTheBatchPermanently() throws Exception {
    try (OnnxBackend backend = classifier(List.of("yes", "no"))) {
      assertThatThrownBy(() -> backend.answer(List.of(withFeatures("a", "clf", 0, 0)), TIMEOUT))
          .isInstanceOfSatisfying(
              BackendException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageContaining("the model gives 3 classes but 2 labels are configured");
    }
  }

  @Test
  void rejectsAnInputTheModelDoesNotHave() throws Exception {
    Path model = dir.resolve("named.onnx");
    Files.write(model, OnnxModels.softmaxRegression(weights, bias));
    assertThatThrownBy(
            () ->
                new OnnxBackend(
                    new BackendSettings.Onnx(
                        model, Optional.of("pixels"), Optional.empty(), List.of(), 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no input 'pixels'; it has [features]");
  }

  @Test
  void closeReleasesTheSessionOnceAndLaterCallsFailPermanently() throws Exception {
    OnnxBackend backend = classifier(List.of());
    // The native session has no public "closed" query; using it after close is the test.
    Field field = OnnxBackend.class.getDeclaredField("session");
    field.setAccessible(true);
    OrtSession session = (OrtSession) field.get(backend);
    assertThat(session.getInputNames()).containsExactly("features");

    backend.close();
    backend.close();

    assertThatThrownBy(session::getInputNames)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed OrtSession");
    assertThatThrownBy(() -> backend.answer(List.of(withFeatures("a", "clf", 0, 0)), TIMEOUT))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessage("model classifier.onnx is closed");
  }
}
