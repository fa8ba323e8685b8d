package dev.gatestream.benchmarks;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.streams.fusion.ExpertReliability;
import dev.gatestream.streams.fusion.FusionRule;
import dev.gatestream.streams.fusion.FusionSettings;
import dev.gatestream.streams.fusion.strategy.AgreementVote;
import dev.gatestream.streams.fusion.strategy.Answer;
import dev.gatestream.streams.fusion.strategy.WeightedAverage;
import dev.gatestream.streams.fusion.strategy.WeightedMedian;
import dev.gatestream.streams.fusion.strategy.WeightedVote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fusion of one request's answers: each strategy over {@code experts} answers (10-class
 * distributions, scores, short texts), and the whole fusion rule as the fusion stage calls it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FusionBenchmark {

  @Param({"2", "4", "8"})
  int experts;

  private List<Answer> distributions;
  private List<Answer> scores;
  private List<Answer> texts;
  private RoutingDecision decision;
  private List<ExpertResult> results;
  private final FusionRule rule =
      new FusionRule(
          new FusionSettings(
              0,
              Duration.ofSeconds(30),
              Duration.ofMillis(20),
              "auto",
              FusionSettings.Weights.GATE,
              List.of()),
          new ExpertReliability("p"));

  @Setup
  public void setUp() {
    Random random = new Random(3);
    List<String> labels = List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");
    distributions = new ArrayList<>();
    scores = new ArrayList<>();
    texts = new ArrayList<>();
    List<ChosenExpert> chosen = new ArrayList<>();
    results = new ArrayList<>();
    for (int e = 0; e < experts; e++) {
      List<Double> probabilities = new ArrayList<>();
      double total = 0;
      for (int c = 0; c < labels.size(); c++) {
        double p = random.nextDouble();
        probabilities.add(p);
        total += p;
      }
      final double sum = total;
      probabilities.replaceAll(p -> p / sum);
      String expert = "expert-" + e;
      double weight = random.nextDouble();
      ClassProbabilities distribution = new ClassProbabilities(labels, probabilities);
      distributions.add(new Answer(expert, distribution, weight));
      scores.add(new Answer(expert, new Score(random.nextGaussian()), weight));
      texts.add(
          new Answer(
              expert,
              new TextAnswer(random.nextBoolean() ? "The answer is 42." : "the answer is 41"),
              weight));
      chosen.add(new ChosenExpert(expert, weight, 0.5));
      results.add(
          ExpertResult.newBuilder()
              .setRequestId("r")
              .setExpert(expert)
              .setStatus(ResultStatus.OK)
              .setOutput(distribution)
              .setLatencyMs(10)
              .setCost(0.001)
              .setCompletedAtMs(1)
              .build());
    }
    decision =
        RoutingDecision.newBuilder()
            .setRequestId("r")
            .setPolicy("p")
            .setPolicyVersion(1)
            .setChosen(chosen)
            .setDeadlineMs(2)
            .setRequestCreatedAtMs(0)
            .setDecidedAtMs(1)
            .build();
  }

  @Benchmark
  public Object weightedAverage() {
    return new WeightedAverage().fuse(distributions);
  }

  @Benchmark
  public Object weightedVote() {
    return new WeightedVote().fuse(distributions);
  }

  @Benchmark
  public Object weightedMedian() {
    return new WeightedMedian().fuse(scores);
  }

  @Benchmark
  public Object agreementVote() {
    return new AgreementVote().fuse(texts);
  }

  @Benchmark
  public Object fusionRuleReadyAndFuse() {
    return rule.ready(decision, results) ? rule.fuse(decision, results, false, 5) : null;
  }
}
