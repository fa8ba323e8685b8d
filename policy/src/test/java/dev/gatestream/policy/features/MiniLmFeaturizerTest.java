package dev.gatestream.policy.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real quantized model from the jar. */
class MiniLmFeaturizerTest {

  private static MiniLmFeaturizer featurizer;

  @BeforeAll
  static void loadModel() {
    featurizer = new MiniLmFeaturizer();
  }

  @AfterAll
  static void closeModel() {
    featurizer.close();
  }

  private static RoutingInput text(String text) {
    return new RoutingInput("r1", null, text, null, null);
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  @Test
  void givesUnitLength384DimensionalEmbeddings() {
    float[] embedding = featurizer.featurize(text("The cat sits on the mat."));
    assertThat(embedding).hasSize(384);
    assertThat(featurizer.dimension()).isEqualTo(384);
    assertThat(Math.sqrt(dot(embedding, embedding))).isCloseTo(1.0, within(1e-3));
  }

  @Test
  void similarSentencesAreCloserThanUnrelatedOnes() {
    List<float[]> embeddings =
        featurizer.featurizeAll(
            List.of(
                text("How do I reset my password?"),
                text("I forgot my password and need to change it."),
                text("The volcano erupted and lava flowed into the sea.")));
    double similar = dot(embeddings.get(0), embeddings.get(1));
    double unrelated = dot(embeddings.get(0), embeddings.get(2));
    assertThat(similar).isGreaterThan(0.5).isGreaterThan(unrelated + 0.3);
  }

  @Test
  void aBatchGivesTheSameEmbeddingsAsOneByOne() {
    List<RoutingInput> inputs =
        List.of(text("first text"), text("a second, longer text"), text("third"));
    List<float[]> batch = featurizer.featurizeAll(inputs);
    assertThat(batch).hasSize(3);
    for (int i = 0; i < inputs.size(); i++) {
      float[] single = featurizer.featurize(inputs.get(i));
      assertThat(dot(batch.get(i), single)).isCloseTo(1.0, within(1e-4));
    }
    assertThat(featurizer.featurizeAll(List.of())).isEmpty();
  }

  @Test
  void givesTheSameEmbeddingsAsTheLibrarysOwnModel() {
    AllMiniLmL6V2QuantizedEmbeddingModel library = new AllMiniLmL6V2QuantizedEmbeddingModel();
    List<String> texts =
        List.of("How do I reset my password?", "word ".repeat(120).trim() + " and more");
    for (String text : texts) {
      float[] expected = library.embed(text).content().vector();
      assertThat(dot(featurizer.featurize(text(text)), expected)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void cutsATextToTheTokenBudget() {
    // 126 words and [CLS] and [SEP] fill the default budget of 128 tokens; what follows is cut.
    float[] cut = featurizer.featurize(text("word ".repeat(700).trim()));
    float[] budget = featurizer.featurize(text("word ".repeat(126).trim()));
    float[] shorter = featurizer.featurize(text("word ".repeat(20).trim()));
    assertThat(dot(cut, budget)).isCloseTo(1.0, within(1e-6));
    assertThat(dot(cut, shorter)).isLessThan(1 - 1e-4);
    assertThatThrownBy(() -> new MiniLmFeaturizer(1000, 513, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token budget");
  }

  @Test
  void closeReleasesTheOnnxSessionAndRefusesFurtherWork() {
    MiniLmFeaturizer own = new MiniLmFeaturizer(1000, 64, 1);
    assertThat(own.featurize(text("before close"))).hasSize(384);
    assertThat(own.session().getInputNames()).isNotEmpty();

    own.close();

    // a closed OrtSession refuses every call: its native session is gone
    assertThatThrownBy(() -> own.session().getInputNames())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> own.featurize(text("after close")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the MiniLM featurizer is closed");
    assertThatThrownBy(() -> own.featurizeAll(List.of(text("after close"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the MiniLM featurizer is closed");
    own.close(); // twice: nothing more to release
  }

  @Test
  void refusesABatchWithABadInputBeforeRunningTheModel() {
    assertThatThrownBy(() -> featurizer.featurizeAll(List.of(text("fine"), text("  "))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("text is blank");
  }
}
