package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.streams.fusion.strategy.Answer;
import dev.gatestream.streams.fusion.strategy.Fused;
import dev.gatestream.streams.fusion.strategy.FusionStrategies;
import dev.gatestream.streams.fusion.strategy.FusionStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When a request's answers are enough to emit, and what to emit: the fusion stage's decision logic,
 * with no Kafka in it.
 */
public final class FusionRule {

  /** Where a TIMEOUT came from when no expert was asked. */
  static final String ROUTER = "router";

  private final FusionSettings settings;
  private final FusionStrategies strategies;
  private final ExpertReliability reliability;

  /**
   * @param reliability the experts' running reliability, used when settings ask for it
   */
  public FusionRule(FusionSettings settings, ExpertReliability reliability) {
    this.settings = settings;
    this.strategies = new FusionStrategies(settings.strategy(), settings.fallbackOrder());
    this.reliability = reliability;
  }

  /** Every chosen expert answered, or the quorum of OK answers is met. */
  public boolean ready(RoutingDecision decision, List<ExpertResult> results) {
    int answered = 0;
    int ok = 0;
    for (ChosenExpert chosen : decision.getChosen()) {
      ExpertResult result = resultOf(chosen.getExpert(), results);
      if (result != null) {
        answered++;
        if (result.getStatus() == ResultStatus.OK) {
          ok++;
        }
      }
    }
    return answered == decision.getChosen().size()
        || (settings.quorum() > 0 && ok >= settings.quorum());
  }

  /**
   * The fused result from what has arrived.
   *
   * @param atDeadline true when the deadline forced emission
   */
  public FusedResult fuse(
      RoutingDecision decision, List<ExpertResult> results, boolean atDeadline, long nowMs) {
    List<String> expected = new ArrayList<>(decision.getChosen().size());
    Map<String, Double> gateWeights = new HashMap<>();
    for (ChosenExpert chosen : decision.getChosen()) {
      expected.add(chosen.getExpert());
      gateWeights.put(chosen.getExpert(), chosen.getGateWeight());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    Map<Class<?>, List<Answer>> answersByType = new LinkedHashMap<>();
    double totalCost = 0;
    int missing = 0;
    for (String expert : expected) {
      ExpertResult result = resultOf(expert, results);
      if (result == null) {
        missing++;
        errors.put(expert, "no answer by the deadline");
        continue;
      }
      totalCost += result.getCost();
      if (result.getStatus() != ResultStatus.OK || result.getOutput() == null) {
        errors.put(
            expert,
            result.getStatus()
                + (result.getErrorMessage() == null ? "" : ": " + result.getErrorMessage()));
        continue;
      }
      double weight =
          switch (settings.weights()) {
            case GATE -> gateWeights.get(expert);
            case UNIFORM -> 1.0;
            case RELIABILITY -> reliability.of(expert);
          };
      answersByType
          .computeIfAbsent(result.getOutput().getClass(), type -> new ArrayList<>())
          .add(new Answer(expert, result.getOutput(), weight));
    }

    List<Answer> fusable = largestGroup(answersByType);
    Fused fused = null;
    String strategyName = settings.strategy();
    if (!fusable.isEmpty()) {
      FusionStrategy strategy = strategies.forType(fusable.get(0).output().getClass(), expected);
      fused = strategy.fuse(fusable);
      strategyName = strategy.name();
      answersByType.values().stream()
          .filter(group -> group != fusable)
          .flatMap(List::stream)
          .forEach(
              other ->
                  errors.put(
                      other.expert(),
                      "output type "
                          + other.output().getClass().getSimpleName()
                          + " cannot be fused with "
                          + fusable.get(0).output().getClass().getSimpleName()));
    }
    Completeness completeness = completeness(fused != null, missing, atDeadline);
    if (expected.isEmpty() && nowMs >= decision.getDeadlineMs()) {
      // The router fell behind: the deadline passed before any expert was asked.
      completeness = Completeness.TIMEOUT;
      errors.put(ROUTER, "deadline passed before routing");
    }
    return FusedResult.newBuilder()
        .setRequestId(decision.getRequestId())
        .setOutput(fused == null ? null : fused.output())
        .setStrategy(strategyName)
        .setContributors(fused == null ? List.of() : fused.contributors())
        .setExpected(expected)
        .setExpertErrors(errors)
        .setCompleteness(completeness)
        .setTotalCost(totalCost)
        .setLatencyMs(Math.max(0, nowMs - decision.getRequestCreatedAtMs()))
        .setPolicyVersion(decision.getPolicyVersion())
        .setAttributes(decision.getAttributes())
        .setEmittedAtMs(nowMs)
        .setEscalations(
            decision.getCascade() == null ? List.of() : decision.getCascade().getSteps())
        .build();
  }

  private static Completeness completeness(boolean fused, int missing, boolean atDeadline) {
    if (fused) {
      return atDeadline && missing > 0 ? Completeness.PARTIAL : Completeness.COMPLETE;
    }
    return missing > 0 ? Completeness.TIMEOUT : Completeness.FAILED;
  }

  /** The answers of the most common output type, the first such type on ties. */
  private static List<Answer> largestGroup(Map<Class<?>, List<Answer>> answersByType) {
    List<Answer> largest = List.of();
    for (List<Answer> group : answersByType.values()) {
      if (group.size() > largest.size()) {
        largest = group;
      }
    }
    return largest;
  }

  static ExpertResult resultOf(String expert, List<ExpertResult> results) {
    for (ExpertResult result : results) {
      if (result.getExpert().equals(expert)) {
        return result;
      }
    }
    return null;
  }
}
