package dev.gatestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultMappingTest {

  private final ObjectMapper json = new ObjectMapper();

  private static FusedResult result(Completeness completeness, Object output) {
    return FusedResult.newBuilder()
        .setRequestId("r1")
        .setOutput(output)
        .setStrategy("weighted-mean")
        .setContributors(List.of("a"))
        .setExpected(List.of("a", "b"))
        .setExpertErrors(
            completeness == Completeness.COMPLETE
                ? Map.of()
                : Map.of("b", "no answer by the deadline"))
        .setCompleteness(completeness)
        .setTotalCost(0.25)
        .setLatencyMs(42)
        .setPolicyVersion(3)
        .setEmittedAtMs(1_000)
        .build();
  }

  @Test
  void aCompleteResultIs200WithEveryField() {
    FusedResult complete = result(Completeness.COMPLETE, new Score(0.75));
    assertThat(ResultMapping.status(complete)).isEqualTo(200);
    JsonNode body = ResultMapping.body(json, complete);
    assertThat(body.get("requestId").asText()).isEqualTo("r1");
    assertThat(body.get("output").get("type").asText()).isEqualTo("score");
    assertThat(body.get("output").get("value").asDouble()).isEqualTo(0.75);
    assertThat(body.get("completeness").asText()).isEqualTo("COMPLETE");
    assertThat(body.get("contributors")).extracting(JsonNode::asText).containsExactly("a");
    assertThat(body.get("expertErrors").isEmpty()).isTrue();
    assertThat(body.get("totalCost").asDouble()).isEqualTo(0.25);
    assertThat(body.get("latencyMs").asLong()).isEqualTo(42);
    assertThat(body.get("policyVersion").asLong()).isEqualTo(3);
  }

  @Test
  void anyIncompleteResultIs504WithTheResultAsBody() {
    for (Completeness incomplete :
        List.of(Completeness.PARTIAL, Completeness.TIMEOUT, Completeness.FAILED)) {
      FusedResult result = result(incomplete, null);
      assertThat(ResultMapping.status(result)).as(incomplete.name()).isEqualTo(504);
      JsonNode body = ResultMapping.body(json, result);
      assertThat(body.get("completeness").asText()).isEqualTo(incomplete.name());
      assertThat(body.get("output").isNull()).isTrue();
      assertThat(body.get("expertErrors").get("b").asText()).isEqualTo("no answer by the deadline");
    }
  }

  @Test
  void outputsAreTaggedByType() {
    JsonNode probabilities =
        ResultMapping.output(json, new ClassProbabilities(List.of("A", "B"), List.of(0.9, 0.1)));
    assertThat(probabilities.get("type").asText()).isEqualTo("probabilities");
    assertThat(probabilities.get("labels")).extracting(JsonNode::asText).containsExactly("A", "B");
    assertThat(probabilities.get("probabilities"))
        .extracting(JsonNode::asDouble)
        .containsExactly(0.9, 0.1);

    JsonNode text = ResultMapping.output(json, new TextAnswer("42"));
    assertThat(text.get("type").asText()).isEqualTo("text");
    assertThat(text.get("text").asText()).isEqualTo("42");
  }

  @Test
  void noResultNamesTheRequest() {
    JsonNode body = ResultMapping.noResult(json, "r7");
    assertThat(body.get("requestId").asText()).isEqualTo("r7");
    assertThat(body.get("error").asText()).isEqualTo("no result by the deadline");
  }
}
