package dev.gatestream.app.evaluate;

import dev.gatestream.adaptation.Conversions;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.cascade.LoggedCascade;
import dev.gatestream.policy.evaluation.LoggedDecision;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.FeedbackMerge;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.Rewards;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Joins routing decisions with the chosen experts' results and the feedback by request id into
 * logged decisions, each chosen expert judged as the adaptation job judges it ({@link Rewards}):
 * several feedback records of a request merge ({@link FeedbackMerge}), an expert's first result
 * counts. Feedback may be missing (the decision stays, without quality, and the evaluator skips it)
 * or late. The first decision of a request id counts; repeats are counted, not used.
 */
public final class DecisionFeedbackJoin {

  /** What the join made of its input. */
  public record Result(
      List<LogEntry> entries,
      int decisions,
      int duplicates,
      int invalid,
      Optional<String> firstInvalid,
      int withFeedback,
      int feedbackRecords,
      int feedbackWithoutDecision,
      Cascades cascades) {}

  /**
   * The cascade decisions among them.
   *
   * @param decisions decisions made by a cascade
   * @param withEscalations of those, the ones whose fused result carries their escalation decisions
   * @param logged those, with what each expert asked earned when feedback judged it
   * @param rule the rule of the first cascade decision, null when there is none
   */
  public record Cascades(
      int decisions, int withEscalations, List<LoggedCascade> logged, CascadeRule rule) {}

  private final Map<String, RoutingDecision> decisions = new LinkedHashMap<>();
  private final Map<String, Map<String, ResultEvent>> results = new HashMap<>();
  private final Map<String, List<FeedbackEvent>> feedback = new HashMap<>();
  private final Map<String, FusedResult> fused = new HashMap<>();
  private int decisionRecords;
  private int duplicates;
  private int feedbackRecords;

  public void addDecision(RoutingDecision decision) {
    decisionRecords++;
    if (decisions.putIfAbsent(decision.getRequestId(), decision) != null) {
      duplicates++;
    }
  }

  /** A fused result: the escalation decisions of a cascade; the first of a request counts. */
  public void addFused(FusedResult record) {
    fused.putIfAbsent(record.getRequestId(), record);
  }

  /** Whether any decision read was made by a cascade, whose escalations the fused results hold. */
  public boolean hasCascades() {
    return decisions.values().stream().anyMatch(decision -> decision.getCascade() != null);
  }

  public void addResult(ExpertResult record) {
    results
        .computeIfAbsent(record.getRequestId(), id -> new HashMap<>())
        .putIfAbsent(record.getExpert(), Conversions.result(record));
  }

  public void addFeedback(Feedback record) {
    feedbackRecords++;
    feedback
        .computeIfAbsent(record.getRequestId(), id -> new ArrayList<>())
        .add(Conversions.feedback(record));
  }

  public Result result() {
    List<LogEntry> entries = new ArrayList<>(decisions.size());
    int invalid = 0;
    String firstInvalid = null;
    int withFeedback = 0;
    int cascadeDecisions = 0;
    List<LoggedCascade> cascades = new ArrayList<>();
    CascadeRule rule = null;
    for (RoutingDecision decision : decisions.values()) {
      List<FeedbackEvent> about = feedback.get(decision.getRequestId());
      if (about != null) {
        withFeedback++;
      }
      if (decision.getCascade() != null) {
        cascadeDecisions++;
        try {
          if (rule == null) {
            rule = CascadeLog.ruleOf(decision.getCascade());
          }
          LoggedCascade logged =
              CascadeLog.of(
                  decision,
                  fused.get(decision.getRequestId()),
                  results.getOrDefault(decision.getRequestId(), Map.of()),
                  about == null ? null : FeedbackMerge.merge(about));
          if (logged != null) {
            cascades.add(logged);
          }
        } catch (IllegalArgumentException e) {
          invalid++;
          if (firstInvalid == null) {
            firstInvalid = e.getMessage();
          }
          continue;
        }
      }
      try {
        entries.add(
            new LogEntry(
                toLogged(
                    decision,
                    results.getOrDefault(decision.getRequestId(), Map.of()),
                    about == null ? null : FeedbackMerge.merge(about)),
                decision.getFeaturizer()));
      } catch (IllegalArgumentException e) {
        invalid++;
        if (firstInvalid == null) {
          firstInvalid = e.getMessage();
        }
      }
    }
    int orphans = (int) feedback.keySet().stream().filter(id -> !decisions.containsKey(id)).count();
    return new Result(
        entries,
        decisionRecords,
        duplicates,
        invalid,
        Optional.ofNullable(firstInvalid),
        withFeedback,
        feedbackRecords,
        orphans,
        new Cascades(cascadeDecisions, cascades.size(), cascades, rule));
  }

  /**
   * @param results the request's results by expert
   * @throws IllegalArgumentException when the decision's propensities are not usable
   */
  public static LoggedDecision toLogged(
      RoutingDecision decision, Map<String, ResultEvent> results, FeedbackEvent feedbackOrNull) {
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
    Map<String, Double> quality = new HashMap<>();
    Map<String, Double> cost = new HashMap<>();
    if (feedbackOrNull != null) {
      for (Rewards.Outcome one :
          Rewards.outcomes(Conversions.decision(decision), results, feedbackOrNull)) {
        quality.put(one.expert(), one.quality());
        cost.put(one.expert(), one.cost());
      }
    }
    // The decision does not carry the request's text or cost budget: candidates decide on the
    // features.
    return new LoggedDecision(
        decision.getRequestId(),
        decision.getTask(),
        null,
        features,
        null,
        chosen,
        decision.getCandidatePropensities(),
        quality,
        cost);
  }
}
