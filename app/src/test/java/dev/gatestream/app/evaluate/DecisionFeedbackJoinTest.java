package dev.gatestream.app.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.LoggedDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionFeedbackJoinTest {

  static RoutingDecision decision(String id, String expert, double propensity) {
    return RoutingDecision.newBuilder()
        .setRequestId(id)
        .setPolicy("default")
        .setPolicyVersion(3)
        .setChosen(List.of(new ChosenExpert(expert, 1.0, propensity)))
        .setCandidatePropensities(Map.of("a", 0.25, "b", 0.75))
        .setFeaturizer("hashed")
        .setFeatures(List.of(0.5f, -1f))
        .setTask("gsm8k")
        .setDeadlineMs(2)
        .setRequestCreatedAtMs(1)
        .setDecidedAtMs(1)
        .build();
  }

  static Feedback feedback(
      String id, Double reward, Map<String, Double> expertRewards, long observedAtMs) {
    return Feedback.newBuilder()
        .setRequestId(id)
        .setReward(reward)
        .setExpertRewards(expertRewards)
        .setObservedAtMs(observedAtMs)
        .build();
  }

  static ExpertResult result(String id, String expert, String text, double cost) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(new TextAnswer(text))
        .setLatencyMs(5)
        .setCost(cost)
        .setCompletedAtMs(2)
        .build();
  }

  @Test
  void joinsFeedbackByRequestIdAndKeepsDecisionsWithoutIt() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addFeedback(feedback("r1", 1.0, Map.of("b", 1.0), 10));
    join.addResult(result("r1", "b", "4", 0.002));
    join.addDecision(decision("r1", "b", 0.75));
    join.addDecision(decision("r2", "a", 0.25));
    join.addResult(result("r2", "a", "5", 0.001));
    join.addFeedback(feedback("elsewhere", 0.0, Map.of(), 10));

    DecisionFeedbackJoin.Result result = join.result();

    assertThat(result.decisions()).isEqualTo(2);
    assertThat(result.withFeedback()).isEqualTo(1);
    assertThat(result.feedbackWithoutDecision()).isEqualTo(1);
    LoggedDecision first = result.entries().get(0).decision();
    assertThat(first.requestId()).isEqualTo("r1");
    assertThat(first.task()).isEqualTo("gsm8k");
    assertThat(first.features()).containsExactly(0.5f, -1f);
    assertThat(first.chosen()).containsExactly(new Choice("b", 1.0, 0.75));
    assertThat(first.loggingPropensities()).isEqualTo(Map.of("a", 0.25, "b", 0.75));
    assertThat(first.qualityOf("b")).isEqualTo(1.0);
    assertThat(first.costOf("b")).isEqualTo(0.002);
    assertThat(result.entries().get(0).featurizer()).isEqualTo("hashed");
    LoggedDecision second = result.entries().get(1).decision();
    assertThat(second.qualityOf("a")).as("no feedback").isNaN();
  }

  @Test
  void laterFeedbackOverridesEarlierPerExpert() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addDecision(decision("r1", "b", 0.75));
    join.addResult(result("r1", "b", "4", 0));
    join.addFeedback(feedback("r1", 0.2, Map.of("a", 0.0, "b", 0.0), 20));
    join.addFeedback(feedback("r1", null, Map.of("b", 1.0), 30));
    join.addFeedback(feedback("r1", 0.9, Map.of("b", 0.5), 5)); // older, though read last

    LoggedDecision joined = join.result().entries().get(0).decision();

    assertThat(joined.quality()).as("only the chosen expert's").isEqualTo(Map.of("b", 1.0));
  }

  @Test
  void aChosenExpertWithoutAResultIsUnknownAndTheFirstResultCounts() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addDecision(decision("r1", "b", 0.75));
    join.addDecision(decision("r2", "b", 0.75));
    join.addResult(result("r2", "b", "yes", 0.01));
    join.addResult(result("r2", "b", "no", 0.02));
    join.addFeedback(
        Feedback.newBuilder(feedback("r1", null, Map.of(), 10)).setLabel("Yes").build());
    join.addFeedback(
        Feedback.newBuilder(feedback("r2", null, Map.of(), 10)).setLabel("Yes").build());

    List<LogEntry> entries = join.result().entries();

    assertThat(entries.get(0).decision().qualityOf("b")).isNaN();
    assertThat(entries.get(1).decision().qualityOf("b")).isEqualTo(1.0);
    assertThat(entries.get(1).decision().costOf("b")).isEqualTo(0.01);
  }

  @Test
  void repeatedAndInvalidDecisionsAreCountedNotUsed() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addDecision(decision("r1", "b", 0.75));
    join.addDecision(decision("r1", "a", 0.25));
    join.addDecision(decision("r2", "b", 0.0));

    DecisionFeedbackJoin.Result result = join.result();

    assertThat(result.entries())
        .extracting(entry -> entry.decision().requestId())
        .containsExactly("r1");
    assertThat(result.entries().get(0).decision().chosen().get(0).expert()).isEqualTo("b");
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.invalid()).isEqualTo(1);
    assertThat(result.firstInvalid())
        .contains("logged decision r2: chosen expert b has propensity 0.0, expected (0, 1]");
  }

  @Test
  void jsonLinesRoundTrip(@TempDir Path dir) throws IOException {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addDecision(decision("r1", "b", 0.75));
    join.addDecision(decision("r2", "a", 0.25));
    join.addResult(result("r1", "b", "4", 0.002));
    join.addFeedback(feedback("r1", 1.0, Map.of("b", 1.0), 10));
    List<LogEntry> entries = join.result().entries();
    Path file = dir.resolve("decisions.jsonl");

    DecisionLines.write(file, entries);
    List<LogEntry> read = DecisionLines.read(file);

    assertThat(Files.readAllLines(file)).hasSize(2);
    assertThat(read).hasSize(2);
    for (int i = 0; i < entries.size(); i++) {
      LoggedDecision expected = entries.get(i).decision();
      LoggedDecision actual = read.get(i).decision();
      assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
      assertThat(read.get(i).featurizer()).isEqualTo("hashed");
    }
  }

  @Test
  void aMinimalLineNeedsOnlyItsChoices(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("min.jsonl");
    Files.writeString(
        file, "{\"chosen\":[{\"expert\":\"a\",\"propensity\":0.5}],\"quality\":{\"a\":1}}\n\n");

    List<LogEntry> read = DecisionLines.read(file);

    assertThat(read).hasSize(1);
    assertThat(read.get(0).decision().chosen()).containsExactly(new Choice("a", 1.0, 0.5));
    assertThat(read.get(0).decision().loggingPropensities()).isEqualTo(Map.of("a", 0.5));
    assertThat(read.get(0).featurizer()).isNull();
    assertThat(read.get(0).decision().costOf("a")).isZero();
  }

  @Test
  void malformedLinesAreNamedByNumber(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.jsonl");
    String good = "{\"requestId\":\"r1\",\"chosen\":[{\"expert\":\"a\",\"propensity\":0.5}]}";
    Files.writeString(
        file,
        good
            + "\n"
            + "{\"requestId\":\"r2\",\"chosen\":[{\"expert\":\"a\",\"propensity\":1.5}]}\n");
    assertThatThrownBy(() -> DecisionLines.read(file))
        .isInstanceOf(DecisionLines.MalformedLineException.class)
        .hasMessage(
            file + ":2: logged decision r2: chosen expert a has propensity 1.5, expected (0, 1]");

    Files.writeString(file, good + "\n\n{\"requestId\": \"r3\", \"chosn\": []}\n");
    assertThatThrownBy(() -> DecisionLines.read(file))
        .hasMessageStartingWith(file + ":3: Unrecognized field \"chosn\"")
        .hasMessageNotContaining("\n");

    Files.writeString(file, "{not json\n");
    assertThatThrownBy(() -> DecisionLines.read(file))
        .hasMessageStartingWith(file + ":1: ")
        .hasMessageNotContaining("\n");

    Files.writeString(
        file, "{\"chosen\":[{\"expert\":\"a\",\"propensity\":0.5}],\"rewards\":{\"a\":1}}\n");
    assertThatThrownBy(() -> DecisionLines.read(file))
        .hasMessage(
            file
                + ":1: \"rewards\" is the format of an earlier --export; export the decisions again");

    Files.writeString(file, "{\"requestId\":\"r4\"}\n");
    assertThatThrownBy(() -> DecisionLines.read(file))
        .hasMessage(file + ":1: no \"chosen\" experts");
  }
}
