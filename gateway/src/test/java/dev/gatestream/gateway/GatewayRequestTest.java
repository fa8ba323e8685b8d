package dev.gatestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.contracts.InferenceRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayRequestTest {

  private final ObjectMapper json = new ObjectMapper();

  private GatewayRequest parse(String body) throws BadRequestException {
    return GatewayRequest.parse(json, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryField() throws Exception {
    GatewayRequest request =
        parse(
            """
        {"id": "r1", "text": "hello", "task": "qa", "features": [1, 2.5],
         "attributes": {"tenant": "t1"}, "deadlineMs": 800, "budget": 0.01}""");
    assertThat(request)
        .isEqualTo(
            new GatewayRequest(
                "r1", "hello", "qa", List.of(1f, 2.5f), Map.of("tenant", "t1"), 800L, 0.01));
  }

  @Test
  void everyFieldIsOptional() throws Exception {
    assertThat(parse("{}"))
        .isEqualTo(new GatewayRequest(null, null, null, null, Map.of(), null, null));
    assertThat(parse("{\"id\": null, \"deadlineMs\": null}").id()).isNull();
  }

  @Test
  void becomesAnInferenceRequestUnderTheIdGiven() throws Exception {
    InferenceRequest record =
        parse("{\"text\": \"hi\", \"task\": \"qa\", \"attributes\": {\"tenant\": \"t1\"}}")
            .toRequest("r9")
            .setCreatedAtMs(1_000)
            .setDeadlineMs(1_300)
            .build();
    assertThat(record.getId()).isEqualTo("r9");
    assertThat(record.getText()).isEqualTo("hi");
    assertThat(record.getTask()).isEqualTo("qa");
    assertThat(record.getAttributes()).isEqualTo(Map.of("tenant", "t1"));
    assertThat(record.getFeatures()).isNull();
    assertThat(record.getCostBudget()).isNull();
    assertThat(record.getReplyTo()).isNull();
  }

  @Test
  void withoutADeadlineTheDefaultApplies() throws Exception {
    assertThat(parse("{\"deadlineMs\": 300}").effectiveDeadlineMs(5_000)).isEqualTo(300);
    assertThat(parse("{}").effectiveDeadlineMs(5_000)).isEqualTo(5_000);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"id\": |malformed JSON",
        "not json|malformed JSON",
        "[1, 2]|body must be a JSON object",
        "''|body must be a JSON object",
        "{\"prompt\": \"x\"}|unknown field 'prompt'",
        "{\"id\": 7}|'id' must be a string",
        "{\"id\": \" \"}|'id' must be non-blank",
        "{\"text\": [\"a\"]}|'text' must be a string",
        "{\"features\": \"1,2\"}|'features' must be an array",
        "{\"features\": [1, \"x\"]}|'features' must be an array of finite numbers",
        "{\"features\": [1e300]}|'features' must be an array of finite numbers",
        "{\"attributes\": {\"a\": 1}}|attribute 'a' must be a string",
        "{\"attributes\": []}|'attributes' must be an object",
        "{\"deadlineMs\": 0}|'deadlineMs' must be an integer from 1",
        "{\"deadlineMs\": 1.5}|'deadlineMs' must be an integer from 1",
        "{\"deadlineMs\": \"100\"}|'deadlineMs' must be an integer from 1",
        "{\"deadlineMs\": 600001}|'deadlineMs' must be an integer from 1",
        "{\"budget\": -1}|'budget' must be a non-negative number",
        "{\"budget\": \"1\"}|'budget' must be a non-negative number",
      })
  void refusesInvalidBodiesWithOneLine(String body, String reason) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(BadRequestException.class)
        .hasMessageStartingWith(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
