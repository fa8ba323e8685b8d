package dev.gatestream.cli.evaluate;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.gating.Choice;
import dev.gatestream.gating.evaluation.LoggedDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Joins routing decisions with their feedback by request id into logged decisions. Feedback may be
 * missing (the decision stays, without rewards, and the evaluator skips it), late, or come in several
 * records for one request (merged: per-expert rewards of later records override earlier ones, the
 * latest request reward wins). The first decision of a request id counts; repeats are counted, not used.
 */
public final class DecisionFeedbackJoin {

  /** What the join made of its input. */
  public record Result(List<LogEntry> entries, int decisions, int duplicates, int invalid,
      Optional<String> firstInvalid, int withFeedback, int feedbackRecords, int feedbackWithoutDecision) {}

  private final Map<String, RoutingDecision> decisions = new LinkedHashMap<>();
  private final Map<String, Feedback> feedback = new HashMap<>();
  private int decisionRecords;
  private int duplicates;
  private int feedbackRecords;

  public void addDecision(RoutingDecision decision) {
    decisionRecords++;
    if (decisions.putIfAbsent(decision.getRequestId(), decision) != null) {
      duplicates++;
    }
  }

  public void addFeedback(Feedback record) {
    feedbackRecords++;
    feedback.merge(record.getRequestId(), record, DecisionFeedbackJoin::merge);
  }

  private static Feedback merge(Feedback earlier, Feedback later) {
    if (later.getObservedAtMs() < earlier.getObservedAtMs()) {
      return merge(later, earlier);
    }
    Map<String, Double> rewards = new HashMap<>(earlier.getExpertRewards());
    rewards.putAll(later.getExpertRewards());
    return Feedback.newBuilder(later)
        .setReward(later.getReward() != null ? later.getReward() : earlier.getReward())
        .setLabel(later.getLabel() != null ? later.getLabel() : earlier.getLabel())
        .setExpertRewards(rewards)
        .build();
  }

  public Result result() {
    List<LogEntry> entries = new ArrayList<>(decisions.size());
    int invalid = 0;
    String firstInvalid = null;
    int withFeedback = 0;
    for (RoutingDecision decision : decisions.values()) {
      Feedback about = feedback.get(decision.getRequestId());
      if (about != null) {
        withFeedback++;
      }
      try {
        entries.add(new LogEntry(toLogged(decision, about), decision.getFeaturizer()));
      } catch (IllegalArgumentException e) {
        invalid++;
        if (firstInvalid == null) {
          firstInvalid = e.getMessage();
        }
      }
    }
    int orphans = (int) feedback.keySet().stream().filter(id -> !decisions.containsKey(id)).count();
    return new Result(entries, decisionRecords, duplicates, invalid, Optional.ofNullable(firstInvalid),
        withFeedback, feedbackRecords, orphans);
  }

  /** @throws IllegalArgumentException when the decision's propensities are not usable */
  static LoggedDecision toLogged(RoutingDecision decision, Feedback feedbackOrNull) {
    List<Choice> chosen = new ArrayList<>(decision.getChosen().size());
    for (ChosenExpert expert : decision.getChosen()) {
      chosen.add(new Choice(expert.getExpert(), expert.getGateWeight(), expert.getPropensity()));
    }
    float[] features = null;
    if (decision.getFeatures() != null) {
      features = new float[decision.getFeatures().size()];
      for (int i = 0; i < features.length; i++) {
        features[i] = decision.getFeatures().get(i);
      }
    }
    Map<String, Double> rewards = feedbackOrNull == null ? Map.of() : feedbackOrNull.getExpertRewards();
    Double requestReward = feedbackOrNull == null ? null : feedbackOrNull.getReward();
    // The decision does not carry the request's text or cost budget: candidates decide on the features.
    return new LoggedDecision(decision.getRequestId(), decision.getTask(), null, features, null, chosen,
        decision.getCandidatePropensities(), rewards, requestReward);
  }
}
