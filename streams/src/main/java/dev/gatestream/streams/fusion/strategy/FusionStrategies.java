package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.util.List;

/** Picks the strategy for a set of answers from the configured name. */
public final class FusionStrategies {

  public static final String AUTO = "auto";

  private final String configured;
  private final List<String> fallbackOrder;

  /**
   * @param configured a strategy name, or "auto" to choose by output type
   * @param fallbackOrder order of the first-successful strategy; empty for the routing order
   */
  public FusionStrategies(String configured, List<String> fallbackOrder) {
    this.configured = configured;
    this.fallbackOrder = List.copyOf(fallbackOrder);
  }

  /**
   * The strategy for answers of this output type: the configured one when it fuses that type, else
   * the type's default (so a score-only deployment configured for text answers still fuses).
   *
   * @param routingOrder the decision's experts, best first: the default fallback order
   */
  public FusionStrategy forType(Class<?> outputType, List<String> routingOrder) {
    FusionStrategy named = named(configured, routingOrder);
    if (named != null && named.outputType() == outputType) {
      return named;
    }
    if (outputType == ClassProbabilities.class) {
      return new WeightedAverage();
    }
    if (outputType == Score.class) {
      return new WeightedMean();
    }
    if (outputType == TextAnswer.class) {
      return new AgreementVote();
    }
    throw new IllegalArgumentException("no fusion strategy for " + outputType.getName());
  }

  private FusionStrategy named(String name, List<String> routingOrder) {
    return switch (name) {
      case "weighted-average" -> new WeightedAverage();
      case "weighted-vote" -> new WeightedVote();
      case "highest-confidence" -> new HighestConfidence();
      case "weighted-mean" -> new WeightedMean();
      case "weighted-median" -> new WeightedMedian();
      case "first-successful" ->
          new FirstSuccessful(fallbackOrder.isEmpty() ? routingOrder : fallbackOrder);
      case "agreement-vote" -> new AgreementVote();
      case AUTO -> null;
      default -> throw new IllegalArgumentException("unknown fusion strategy '" + name + "'");
    };
  }
}
