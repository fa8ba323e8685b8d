package dev.gatestream.streams.fusion.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionStrategiesTest {

  private static Answer probs(String expert, double weight, double a, double b) {
    return new Answer(expert, new ClassProbabilities(List.of("A", "B"), List.of(a, b)), weight);
  }

  private static Answer score(String expert, double weight, double value) {
    return new Answer(expert, new Score(value), weight);
  }

  private static Answer text(String expert, double weight, String value) {
    return new Answer(expert, new TextAnswer(value), weight);
  }

  @Test
  void weightedAverageMixesDistributionsByWeight() {
    Fused fused =
        new WeightedAverage().fuse(List.of(probs("x", 3, 0.9, 0.1), probs("y", 1, 0.1, 0.9)));
    ClassProbabilities out = (ClassProbabilities) fused.output();
    assertThat(out.getLabels()).containsExactly("A", "B");
    assertThat(out.getProbabilities().get(0)).isCloseTo(0.7, within(1e-9));
    assertThat(fused.contributors()).containsExactly("x", "y");
  }

  @Test
  void weightedAverageTakesTheUnionOfLabels() {
    Answer other = new Answer("z", new ClassProbabilities(List.of("C"), List.of(1.0)), 1);
    ClassProbabilities out =
        (ClassProbabilities)
            new WeightedAverage().fuse(List.of(probs("x", 1, 1.0, 0.0), other)).output();
    assertThat(out.getLabels()).containsExactly("A", "B", "C");
    assertThat(out.getProbabilities()).containsExactly(0.5, 0.0, 0.5);
  }

  @Test
  void weightedVoteLetsTheHeavierSideWin() {
    ClassProbabilities out =
        (ClassProbabilities)
            new WeightedVote()
                .fuse(
                    List.of(
                        probs("x", 0.2, 0.6, 0.4),
                        probs("y", 0.2, 0.6, 0.4),
                        probs("z", 0.6, 0.4, 0.6)))
                .output();
    assertThat(out.getLabels()).containsExactly("A", "B");
    assertThat(out.getProbabilities().get(1)).isCloseTo(0.6, within(1e-9));
  }

  @Test
  void zeroWeightsCountAsUniform() {
    Fused fused = new WeightedMean().fuse(List.of(score("x", 0, 1.0), score("y", 0, 3.0)));
    assertThat(((Score) fused.output()).getValue()).isEqualTo(2.0);
  }

  @Test
  void highestConfidencePicksTheSurestExpert() {
    Fused fused =
        new HighestConfidence().fuse(List.of(probs("x", 1, 0.6, 0.4), probs("y", 0.1, 0.05, 0.95)));
    assertThat(fused.contributors()).containsExactly("y");
  }

  @Test
  void weightedMedianIgnoresAnOutlier() {
    Fused fused =
        new WeightedMedian()
            .fuse(List.of(score("x", 1, 0.50), score("y", 1, 0.52), score("z", 1, 100.0)));
    assertThat(((Score) fused.output()).getValue()).isEqualTo(0.52);
    Fused heavy = new WeightedMedian().fuse(List.of(score("x", 1, 1.0), score("y", 5, 9.0)));
    assertThat(((Score) heavy.output()).getValue()).isEqualTo(9.0);
  }

  @Test
  void firstSuccessfulFollowsTheFallbackOrder() {
    FirstSuccessful strategy = new FirstSuccessful(List.of("big", "small"));
    Fused fused = strategy.fuse(List.of(text("small", 1, "s"), text("big", 1, "b")));
    assertThat(fused.contributors()).containsExactly("big");
    assertThat(strategy.fuse(List.of(text("other", 1, "o"))).contributors())
        .containsExactly("other");
  }

  @Test
  void agreementVoteGroupsNormalizedAnswers() {
    Fused fused =
        new AgreementVote()
            .fuse(
                List.of(
                    text("x", 0.4, "Paris"), text("y", 0.3, " paris. "), text("z", 0.5, "Lyon")));
    assertThat(((TextAnswer) fused.output()).getText()).isEqualTo("Paris");
    assertThat(fused.contributors()).containsExactly("x", "y");
    assertThat(AgreementVote.normalize("  The  ANSWER is 42!\n")).isEqualTo("the answer is 42");
  }

  @Test
  void configuredStrategyAppliesOnlyToItsOutputType() {
    FusionStrategies strategies = new FusionStrategies("weighted-vote", List.of());
    assertThat(strategies.forType(ClassProbabilities.class, List.of()).name())
        .isEqualTo("weighted-vote");
    assertThat(strategies.forType(Score.class, List.of()).name()).isEqualTo("weighted-mean");
    assertThat(new FusionStrategies("auto", List.of()).forType(TextAnswer.class, List.of()).name())
        .isEqualTo("agreement-vote");
  }
}
