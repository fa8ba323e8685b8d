package dev.gatestream.app.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.adaptation.Conversions;
import dev.gatestream.adaptation.RequestJoinFunction;
import dev.gatestream.adaptation.events.JoinInput;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.LoggedDecision;
import dev.gatestream.policy.learning.ExpertFeedback;
import dev.gatestream.policy.learning.Rewards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adaptation job's request join and evaluate's join, fed the same decisions, results and
 * feedback, give every chosen expert the same reward: the one rule of {@link Rewards}. The records
 * come in the order listed, as on one partition; feedback that would change a reward the job
 * already learned from is left out on purpose (the job counts it instead, see {@link
 * RequestJoinFunction}).
 */
class RewardParityTest {

  private static final double LAMBDA = 10;
  private static final List<SpecificRecord> RECORDS = new ArrayList<>();

  private static Map<String, Double> job;
  private static Map<String, Double> evaluate;

  private static void decision(String id, long at, String... experts) {
    List<ChosenExpert> chosen = new ArrayList<>();
    Map<String, Double> propensities = new TreeMap<>(Map.of("a", 0.5, "b", 0.5, "c", 0.5));
    for (String expert : experts) {
      chosen.add(new ChosenExpert(expert, 1.0 / experts.length, 0.5));
    }
    RECORDS.add(
        RoutingDecision.newBuilder()
            .setRequestId(id)
            .setPolicy("default")
            .setPolicyVersion(1)
            .setChosen(chosen)
            .setCandidatePropensities(propensities)
            .setFeatures(List.of(1f, 0f))
            .setDeadlineMs(10_000)
            .setRequestCreatedAtMs(at)
            .setDecidedAtMs(at)
            .build());
  }

  private static ExpertResult.Builder result(String id, String expert, double cost, long at) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setLatencyMs(5)
        .setCost(cost)
        .setCompletedAtMs(at);
  }

  private static void text(String id, String expert, String answer, double cost, long at) {
    RECORDS.add(result(id, expert, cost, at).setOutput(new TextAnswer(answer)).build());
  }

  private static Feedback.Builder feedback(String id, long at) {
    return Feedback.newBuilder().setRequestId(id).setObservedAtMs(at);
  }

  private static void add(Feedback.Builder feedback) {
    RECORDS.add(feedback.build());
  }

  @BeforeAll
  static void judgeBothWays() throws Exception {
    // Several records merged before the join: a's own reward (older), the label (b), a request
    // reward
    // the label outranks.
    decision("multi", 100, "a", "b");
    add(feedback("multi", 300).setLabel("paris"));
    add(feedback("multi", 250).setExpertRewards(Map.of("a", 0.4)));
    text("multi", "a", "Paris", 0.01, 200);
    text("multi", "b", "Lyon", 0.02, 210);
    add(feedback("multi", 350).setReward(0.7));
    // A label alone.
    decision("label", 110, "c");
    text("label", "c", " Yes. ", 0.03, 220);
    add(feedback("label", 320).setLabel("yes"));
    // A request-level reward alone, for both chosen experts.
    decision("request", 120, "a", "b");
    text("request", "a", "x", 0.001, 230);
    text("request", "b", "y", 0, 231);
    add(feedback("request", 330).setReward(0.6));
    // A failed expert earns 0 whatever the feedback says, and still pays.
    decision("failed", 130, "a", "b");
    RECORDS.add(result("failed", "a", 0.005, 240).setStatus(ResultStatus.ERROR).build());
    RECORDS.add(result("failed", "b", 0.004, 241).setOutput(new Score(0.75)).build());
    add(feedback("failed", 340).setExpertRewards(Map.of("a", 1.0)).setLabel("1.0"));
    // Feedback after the join about an expert the first record said nothing of.
    decision("late", 140, "a", "b");
    text("late", "a", "x", 0.002, 250);
    text("late", "b", "y", 0.002, 251);
    add(feedback("late", 360).setExpertRewards(Map.of("a", 0.9)));
    add(feedback("late", 370).setExpertRewards(Map.of("b", 0.3)));
    // A chosen expert that never answered earns nothing.
    decision("missing", 150, "a", "b");
    text("missing", "a", "x", 0.001, 260);
    add(feedback("missing", 380).setReward(1.0));

    job = judgedByTheJob();
    evaluate = judgedByEvaluate();
  }

  private static Map<String, Double> judgedByTheJob() throws Exception {
    List<JoinInput> inputs = new ArrayList<>();
    for (SpecificRecord record : RECORDS) {
      inputs.add(
          record instanceof RoutingDecision d
              ? JoinInput.of(Conversions.decision(d))
              : record instanceof ExpertResult r
                  ? JoinInput.of(Conversions.result(r))
                  : JoinInput.of(Conversions.feedback((Feedback) record)));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    Map<String, Double> rewards = new TreeMap<>();
    try (var examples =
        env.fromData(inputs, TypeInformation.of(JoinInput.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<JoinInput>forMonotonousTimestamps()
                    .withTimestampAssigner((input, previous) -> input.eventTimeMs()))
            .keyBy(JoinInput::requestId, Types.STRING)
            .process(
                new RequestJoinFunction(60_000, LAMBDA), TypeInformation.of(TrainingExample.class))
            .executeAndCollect()) {
      examples.forEachRemaining(
          example -> {
            for (ExpertFeedback one : example.experts()) {
              assertThat(rewards.put(example.requestId() + "/" + one.expert(), one.reward()))
                  .as("learned twice")
                  .isNull();
            }
          });
    }
    return rewards;
  }

  private static Map<String, Double> judgedByEvaluate() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    for (SpecificRecord record : RECORDS) {
      if (record instanceof RoutingDecision d) {
        join.addDecision(d);
      } else if (record instanceof ExpertResult r) {
        join.addResult(r);
      } else {
        join.addFeedback((Feedback) record);
      }
    }
    Rewards rewards = new Rewards(LAMBDA);
    Map<String, Double> judged = new TreeMap<>();
    for (LogEntry entry : join.result().entries()) {
      LoggedDecision decision = entry.decision();
      for (Choice choice : decision.chosen()) {
        double reward = decision.rewardOf(choice.expert(), rewards);
        if (!Double.isNaN(reward)) {
          judged.put(decision.requestId() + "/" + choice.expert(), reward);
        }
      }
    }
    return judged;
  }

  @Test
  void theJobAndEvaluateGiveEveryExpertTheSameReward() {
    assertThat(job).hasSize(10).isEqualTo(evaluate);
  }

  @Test
  void theRewardsAreTheRulesQualityLessLambdaTimesCost() {
    assertThat(evaluate.get("multi/a")).isCloseTo(0.4 - LAMBDA * 0.01, within(1e-12));
    assertThat(evaluate.get("multi/b")).isCloseTo(0 - LAMBDA * 0.02, within(1e-12));
    assertThat(evaluate.get("label/c")).isCloseTo(1 - LAMBDA * 0.03, within(1e-12));
    assertThat(evaluate.get("request/a")).isCloseTo(0.6 - LAMBDA * 0.001, within(1e-12));
    assertThat(evaluate.get("request/b")).isEqualTo(0.6);
    assertThat(evaluate.get("failed/a")).isCloseTo(-LAMBDA * 0.005, within(1e-12));
    assertThat(evaluate.get("failed/b")).isCloseTo(0.75 - LAMBDA * 0.004, within(1e-12));
    assertThat(evaluate.get("late/b")).isCloseTo(0.3 - LAMBDA * 0.002, within(1e-12));
    assertThat(evaluate).containsKey("missing/a").doesNotContainKey("missing/b");
  }
}
