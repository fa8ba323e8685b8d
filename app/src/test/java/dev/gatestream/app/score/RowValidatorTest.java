package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.contracts.InferenceRequest;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowValidatorTest {

  private final RowValidator validator = new RowValidator("run1", new HashSet<String>()::add);

  @Test
  void aRowBecomesARequestAndOtherFieldsBecomeAttributes() throws Exception {
    ScoreRow row =
        validator.validate(
            json(
                7,
                """
        {"id": "q1", "prompt": "2+2?", "task": "math", "features": "0.5; 1 2", "cost_budget": "0.01",
         "deadline_ms": 1500, "tenant": "acme", "rank": 3, "empty": ""}"""));

    InferenceRequest request = row.request().setCreatedAtMs(1_000).setDeadlineMs(2_000).build();
    assertThat(request.getId()).isEqualTo("q1");
    assertThat(request.getText()).isEqualTo("2+2?");
    assertThat(request.getTask()).isEqualTo("math");
    assertThat(request.getFeatures()).containsExactly(0.5f, 1f, 2f);
    assertThat(request.getCostBudget()).isEqualTo(0.01);
    assertThat(row.deadlineMs(9_000)).isEqualTo(1_500);
    assertThat(request.getAttributes()).isEqualTo(Map.of("tenant", "acme", "rank", "3"));
  }

  @Test
  void rowsWithoutIdGetOneFromTheRunAndTheirLine() throws Exception {
    ScoreRow row = validator.validate(json(12, "{\"text\": \"hello\", \"features\": [1, 2]}"));
    assertThat(row.id()).isEqualTo("run1-12");
    assertThat(row.features()).containsExactly(1f, 2f);
    assertThat(row.deadlineMs(5_000)).isEqualTo(5_000);
  }

  @Test
  void csvFeaturesMayBeAJsonArray() throws Exception {
    assertThat(validator.validate(json(2, "{\"features\": \"[0.25, 3]\"}")).features())
        .containsExactly(0.25f, 3f);
  }

  @Test
  void invalidRowsAreRefusedWithTheReason() throws Exception {
    assertRefused(
        "{\"id\": \"x\", \"task\": \"t\"}", "no text (or prompt) and no features to score");
    assertRefused(
        "{\"text\": \"t\", \"cost_budget\": \"cheap\"}", "bad number in cost_budget: 'cheap'");
    assertRefused("{\"text\": \"t\", \"cost_budget\": -1}", "negative cost_budget -1.0");
    assertRefused(
        "{\"text\": \"t\", \"deadline_ms\": 1.5}", "deadline_ms must be a positive whole number");
    assertRefused("{\"features\": \"1 two 3\"}", "bad number in features: 'two'");
    assertRefused("{\"features\": [1, \"a\"]}", "features must be numbers");
    assertRefused("{\"features\": \"1 NaN\"}", "features must be finite numbers");
    assertRefused("{\"id\": \"  \", \"text\": \"t\"}", "empty id");
    assertRefused("{\"text\": \"t\", \"cost\": 1}", "field 'cost' is reserved for the output");
  }

  @Test
  void theSecondRowWithAnIdIsADuplicate() throws Exception {
    validator.validate(json(2, "{\"id\": \"a\", \"text\": \"t\"}"));
    assertThatThrownBy(() -> validator.validate(json(3, "{\"id\": \"a\", \"text\": \"u\"}")))
        .isInstanceOf(InvalidRowException.class)
        .hasMessage("duplicate id 'a' (an earlier record has it)");
  }

  @Test
  void anUnreadableRecordIsRefusedWithWhyItCouldNotBeRead() {
    assertThatThrownBy(() -> validator.validate(InputRow.unreadable(4, "x", "not JSON: oops")))
        .hasMessage("not JSON: oops");
  }

  private void assertRefused(String row, String reason) throws Exception {
    assertThatThrownBy(() -> validator.validate(json(2, row)))
        .isInstanceOf(InvalidRowException.class)
        .hasMessageStartingWith(reason);
  }

  private static InputRow json(long line, String text) throws Exception {
    return InputRow.read(line, (ObjectNode) RowReader.JSON.readTree(text), text);
  }
}
