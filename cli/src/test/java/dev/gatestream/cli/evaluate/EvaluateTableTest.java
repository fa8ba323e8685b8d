package dev.gatestream.cli.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.evaluate.EvaluateListener;
import dev.gatestream.app.evaluate.EvaluateReport;
import dev.gatestream.policy.evaluation.Estimand;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.policy.evaluation.Evaluation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EvaluateTableTest {

  private static final EvaluateReport.Source SOURCE =
      new EvaluateReport.Source(
          "kafka:decisions@0..",
          "kafka:expert-results@2026-01-01T00:00:00Z..",
          "kafka:feedback@2026-01-01T00:00:00Z..",
          3002,
          1,
          "decisions-0@17: not a RoutingDecision",
          1,
          2980);

  private static Estimate estimate(double value) {
    return new Estimate(value, value - 0.02, value + 0.02, 0.01);
  }

  private static EvaluateReport report(double confidence, List<String> warnings) {
    Evaluation.Estimates quality =
        new Evaluation.Estimates(estimate(0.7), estimate(0.71), estimate(0.72), estimate(0.65));
    Evaluation.Estimates cost =
        new Evaluation.Estimates(estimate(0.01), estimate(0.01), estimate(0.011), estimate(0.02));
    Evaluation evaluation =
        new Evaluation(
            Estimand.TOTAL_REWARD,
            2.5,
            3000,
            2980,
            estimate(0.69),
            estimate(0.6925),
            estimate(0.6975),
            estimate(0.6),
            quality,
            cost,
            1490,
            3.5,
            0,
            warnings);
    return new EvaluateReport(SOURCE, "always gpt-4", confidence, evaluation, 1.23);
  }

  private static String table(EvaluateReport report) {
    StringWriter text = new StringWriter();
    EvaluateTable.print(report, new PrintWriter(text));
    return text.toString();
  }

  @Test
  void everyEstimatorWithItsIntervalAtTheReportsLevel() {
    String table = table(report(0.9, List.of("few effective samples")));

    assertThat(table.lines())
        .contains(
            "candidate: always gpt-4",
            "estimand:  total reward of the selected experts per request; 3,000 decisions, 2,980 used, 20 skipped"
                + " (a chosen expert's reward unknown)",
            "estimator                         value   90% interval         std error",
            "IPS                              0.6900   [0.6700, 0.7100]        0.0100",
            "doubly robust                    0.6975   [0.6775, 0.7175]        0.0100",
            "logging policy (on-policy)       0.6000   [0.5800, 0.6200]        0.0100",
            "reward = quality - 2.5 x cost (router.gate.lambda); by part:",
            "quality, doubly robust           0.7200   [0.7000, 0.7400]        0.0100",
            "cost, USD, logging policy        0.0200   [0.0000, 0.0400]        0.0100",
            "effective sample size 1,490 of 2,980 (50%), max importance weight 3.50, unsupported share 0.0%",
            "warning: few effective samples",
            "(1.2 s)");
    assertThat(table(report(0.95, List.of()))).contains("95% interval").doesNotContain("warning");
  }

  @Test
  void whatWasReadComesFirst() {
    StringWriter text = new StringWriter();
    EvaluateProgress progress = new EvaluateProgress(new PrintWriter(text));

    progress.unreadableSkipped(
        new EvaluateListener.UnreadableSkipped(
            "feedback records", 2, new TopicPartition("feedback", 1), 40));
    progress.decisionsRead(SOURCE);
    progress.exported(new EvaluateListener.Exported(2980, Path.of("decisions.jsonl")));

    assertThat(text.toString().lines())
        .containsExactly(
            "skipped 2 unreadable feedback records, the first at feedback-1@40",
            "read 3,002 decisions from kafka:decisions@0.., 2,980 with feedback from"
                + " kafka:feedback@2026-01-01T00:00:00Z.., results from kafka:expert-results@2026-01-01T00:00:00Z..",
            "skipped 1 unreadable decisions, the first: decisions-0@17: not a RoutingDecision",
            "skipped 1 repeated decisions of a request id already read",
            "exported 2,980 decisions to decisions.jsonl");
  }
}
