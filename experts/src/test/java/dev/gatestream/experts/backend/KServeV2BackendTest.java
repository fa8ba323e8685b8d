package dev.gatestream.experts.backend;

import static dev.gatestream.experts.TestTasks.withFeatures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.Outcome;
import dev.gatestream.experts.backend.FakeHttpServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KServeV2BackendTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private FakeHttpServer server;

  /**
   * Serves a two-class model like an Open Inference Protocol server: p(second class) is the share
   * of the second feature in the sum of both; also a "margin" output, nested per row.
   */
  @BeforeEach
  void start() throws Exception {
    server =
        new FakeHttpServer(
            request -> {
              JsonNode input = request.body().path("inputs").path(0);
              int rows = input.path("shape").path(0).asInt();
              int width = input.path("shape").path(1).asInt();
              ObjectNode answer =
                  FakeHttpServer.JSON.createObjectNode().put("model_name", "twoclass");
              ArrayNode outputs = answer.putArray("outputs");
              ObjectNode probs =
                  outputs.addObject().put("name", "probabilities").put("datatype", "FP32");
              probs.putArray("shape").add(rows).add(2);
              ObjectNode margin = outputs.addObject().put("name", "margin").put("datatype", "FP64");
              margin.putArray("shape").add(rows).add(1);
              for (int r = 0; r < rows; r++) {
                double a = input.path("data").path(r * width).asDouble();
                double b = input.path("data").path(r * width + 1).asDouble();
                probs.withArray("data").add(a / (a + b)).add(b / (a + b));
                margin.withArray("data").addArray().add(b - a);
              }
              return Reply.ok(answer.toString());
            });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private KServeV2Backend backend(Optional<String> output, List<String> labels) {
    return new KServeV2Backend(
        new BackendSettings.KServeV2(server.baseUrl(), "twoclass", "features", output, labels));
  }

  @Test
  void sendsTheBatchAsOneTensorAndReadsProbabilities() throws Exception {
    List<Outcome> outcomes =
        backend(Optional.empty(), List.of("no", "yes"))
            .answer(List.of(withFeatures("a", "m", 3, 1), withFeatures("b", "m", 1, 4)), TIMEOUT);

    ClassProbabilities first = (ClassProbabilities) ((Outcome.Answer) outcomes.get(0)).output();
    assertThat(first.getLabels()).containsExactly("no", "yes");
    assertThat(first.getProbabilities().get(0)).isCloseTo(0.75, within(1e-9));
    ClassProbabilities second = (ClassProbabilities) ((Outcome.Answer) outcomes.get(1)).output();
    assertThat(second.getProbabilities().get(1)).isCloseTo(0.8, within(1e-9));
    assertThat(server.seen())
        .singleElement()
        .satisfies(
            seen -> {
              assertThat(seen.path()).isEqualTo("/v2/models/twoclass/infer");
              JsonNode input = seen.body().path("inputs").path(0);
              assertThat(input.path("name").asText()).isEqualTo("features");
              assertThat(input.path("datatype").asText()).isEqualTo("FP32");
              assertThat(input.path("shape").toString()).isEqualTo("[2,2]");
              assertThat(input.path("data").toString()).isEqualTo("[3.0,1.0,1.0,4.0]");
            });
  }

  @Test
  void readsANamedNestedOutputAsScoresAndSkipsTasksWithoutFeatures() throws Exception {
    List<Outcome> outcomes =
        backend(Optional.of("margin"), List.of())
            .answer(
                List.of(
                    withFeatures("a", "m", 1, 3),
                    withFeatures("none", "m"),
                    withFeatures("b", "m", 5, 2)),
                TIMEOUT);

    assertThat(((Outcome.Answer) outcomes.get(0)).output()).isEqualTo(new Score(2.0));
    assertThat(outcomes.get(1))
        .isEqualTo(Outcome.permanent("request none has no numeric features"));
    assertThat(((Outcome.Answer) outcomes.get(2)).output()).isEqualTo(new Score(-3.0));
    assertThat(server.seen().get(0).body().path("outputs").path(0).path("name").asText())
        .isEqualTo("margin");
  }

  @Test
  void serverErrorsAreTransientBadRequestsPermanent() {
    KServeV2Backend backend = backend(Optional.empty(), List.of());
    server.script(request -> Reply.status(503, "{\"error\": \"model twoclass is not ready\"}"));
    assertThatThrownBy(() -> backend.answer(List.of(withFeatures("a", "m", 1, 2)), TIMEOUT))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageNotContaining("not ready");

    server.script(request -> Reply.status(400, "{\"error\": \"unexpected shape for input\"}"));
    assertThatThrownBy(() -> backend.answer(List.of(withFeatures("a", "m", 1, 2)), TIMEOUT))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessage(
            "HTTP 400 from "
                + server.baseUrl()
                + "/v2/models/twoclass/infer; the body is in the expert's log under request a");
  }

  @Test
  void aSlowServerTimesOutTransiently() {
    server.script(request -> new Reply(200, "{}", 2_000));
    assertThatThrownBy(
            () ->
                backend(Optional.empty(), List.of())
                    .answer(List.of(withFeatures("a", "m", 1, 2)), Duration.ofMillis(200)))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageContaining("within 200 ms");
  }

  @Test
  void anOutputOfTheWrongShapeIsPermanent() {
    server.script(
        request ->
            Reply.ok(
                "{\"outputs\": [{\"name\": \"o\", \"shape\": [3, 2],"
                    + " \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4, 5, 6]}]}"));
    assertThatThrownBy(
            () ->
                backend(Optional.empty(), List.of())
                    .answer(List.of(withFeatures("a", "m", 1, 2)), TIMEOUT))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("output shape [3, 2] is neither [1], [1, 1] nor [1, classes]");
  }
}
