package dev.gatestream.app.lifecycle;

import dev.gatestream.adaptation.Conversions;
import dev.gatestream.app.evaluate.DecisionFeedbackJoin;
import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.Comparison;
import dev.gatestream.policy.evaluation.Evaluation;
import dev.gatestream.policy.evaluation.LoggedDecision;
import dev.gatestream.policy.evaluation.OffPolicyEvaluator;
import dev.gatestream.policy.evaluation.UnsupportedCandidateException;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.FeedbackMerge;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.Rewards;
import dev.gatestream.policy.lifecycle.CanaryGuardrail;
import dev.gatestream.policy.lifecycle.PromotionRule;
import dev.gatestream.policy.lifecycle.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The production log as the lifecycle judges it: routing decisions, the candidate's decisions, the
 * experts' results and the feedback, by request id. Each decision is judged as evaluate and the
 * learner judge it ({@link DecisionFeedbackJoin#toLogged}, {@link Rewards}); the candidate is
 * weighed by the propensities it logged beside each decision, production by its own (the decision
 * logs the mixture while a canary runs). The decisions the canary served are also judged on their
 * own, by the same estimator and reward (see {@link #servedBy}).
 */
public final class LifecycleLog {

  private final LifecycleSettings settings;
  private final Map<String, RoutingDecision> decisions = new LinkedHashMap<>();
  private final Map<String, CandidateDecision> proposals = new HashMap<>();
  private final Map<String, Map<String, ResultEvent>> results = new HashMap<>();
  private final Map<String, List<FeedbackEvent>> feedback = new HashMap<>();

  public LifecycleLog(LifecycleSettings settings) {
    this.settings = settings;
  }

  /** The first decision of a request counts, as in evaluate. */
  public void add(RoutingDecision decision) {
    decisions.putIfAbsent(decision.getRequestId(), decision);
  }

  /** Decisions of the configured candidate only; its first of a request counts. */
  public void add(CandidateDecision decision) {
    if (decision.getCandidate().equals(settings.candidate())) {
      proposals.putIfAbsent(decision.getRequestId(), decision);
    }
  }

  public void add(ExpertResult result) {
    results
        .computeIfAbsent(result.getRequestId(), id -> new HashMap<>())
        .putIfAbsent(result.getExpert(), Conversions.result(result));
  }

  public void add(Feedback record) {
    feedback
        .computeIfAbsent(record.getRequestId(), id -> new ArrayList<>())
        .add(Conversions.feedback(record));
  }

  public int decisions() {
    return decisions.size();
  }

  /** Judges the log: the candidate, its canary and the shadow experts. */
  public LifecycleReport report() {
    List<LoggedDecision> paired = new ArrayList<>();
    List<LoggedDecision> served = new ArrayList<>();
    Map<String, Map<String, Double>> candidateP = new HashMap<>();
    Map<String, Map<String, Double>> productionP = new HashMap<>();
    CanaryGuardrail.Arm canary = new CanaryGuardrail.Arm();
    CanaryGuardrail.Arm production = new CanaryGuardrail.Arm();
    int judged = 0;
    boolean withCandidate = !settings.candidate().isBlank();
    for (RoutingDecision decision : decisions.values()) {
      if (decision.getChosen().isEmpty()) {
        continue; // expired before it was routed: nothing to judge
      }
      CandidateDecision proposal = proposals.get(decision.getRequestId());
      if (withCandidate && proposal == null) {
        continue; // decided before the candidate ran beside production
      }
      LoggedDecision logged = logged(decision);
      boolean all = judgedWhole(logged);
      if (all) {
        judged++;
      }
      if (proposal == null) {
        continue;
      }
      paired.add(logged);
      if (proposal.getCanary()) {
        served.add(servedBy(logged, proposal.getCandidatePropensities()));
      }
      candidateP.put(decision.getRequestId(), proposal.getCandidatePropensities());
      productionP.put(
          decision.getRequestId(),
          proposal.getProductionPropensities().isEmpty()
              ? decision.getCandidatePropensities()
              : proposal.getProductionPropensities());
      if (all) {
        double reward = 0;
        for (Choice choice : logged.chosen()) {
          reward += logged.rewardOf(choice.expert(), settings.rewards());
        }
        (proposal.getCanary() ? canary : production).add(reward);
      }
    }
    int considered = withCandidate ? paired.size() : decisions.size();
    Comparison comparison = null;
    Verdict promotion = null;
    Verdict canaryVerdict = null;
    Evaluation canaryOutcomes = null;
    if (withCandidate) {
      String unsupported = null;
      if (judged > 0) {
        try {
          comparison =
              new OffPolicyEvaluator(settings.evaluation())
                  .compare(
                      paired,
                      logged -> candidateP.get(logged.requestId()),
                      logged -> productionP.get(logged.requestId()));
        } catch (UnsupportedCandidateException e) {
          unsupported = e.getMessage();
        }
      }
      promotion =
          comparison == null && unsupported == null
              ? new Verdict(
                  Verdict.Outcome.HOLD, "no decision beside the candidate judged by feedback yet")
              : settings
                  .rule()
                  .judge(new PromotionRule.Evidence(considered, judged, comparison, unsupported));
      if (canary.count() > 0) {
        canaryVerdict = settings.guardrail().judge(canary, production);
        canaryOutcomes =
            new OffPolicyEvaluator(settings.evaluation())
                .evaluate(served, logged -> candidateP.get(logged.requestId()));
      }
    }
    return new LifecycleReport(
        settings.production(),
        withCandidate ? settings.candidate() : null,
        considered,
        judged,
        comparison,
        promotion,
        canaryVerdict,
        canaryOutcomes,
        shadowRows(),
        shadowVerdicts());
  }

  /**
   * Each shadow expert against production on the requests it shadowed, judged by the promotion rule
   * on the same doubly-robust comparison as a candidate: the shadow as the candidate that always
   * chooses it, production as it chose. Given that a request was sampled, the shadow answered it
   * for sure, so it is logged at propensity 1 beside production's choice, and the importance
   * weights are 1 (ESS = requests judged).
   */
  private List<LifecycleReport.ShadowVerdict> shadowVerdicts() {
    Map<String, List<LoggedDecision>> byShadow = new TreeMap<>();
    Map<String, Integer> sampled = new HashMap<>();
    Map<String, Map<String, Double>> productionP = new HashMap<>();
    for (RoutingDecision decision : decisions.values()) {
      if (decision.getShadow().isEmpty() || decision.getChosen().isEmpty()) {
        continue;
      }
      List<FeedbackEvent> about = feedback.get(decision.getRequestId());
      Map<String, Double> quality = new HashMap<>();
      Map<String, Double> cost = new HashMap<>();
      if (about != null) {
        for (Rewards.Outcome one :
            Rewards.outcomes(
                Conversions.learned(decision),
                results.getOrDefault(decision.getRequestId(), Map.of()),
                FeedbackMerge.merge(about))) {
          quality.put(one.expert(), one.quality());
          cost.put(one.expert(), one.cost());
        }
      }
      productionP.put(decision.getRequestId(), decision.getCandidatePropensities());
      LoggedDecision production = logged(decision);
      for (ChosenExpert shadow : decision.getShadow()) {
        sampled.merge(shadow.getExpert(), 1, Integer::sum);
        List<Choice> chosen = new ArrayList<>(production.chosen());
        chosen.add(new Choice(shadow.getExpert(), 0.0, 1.0));
        Map<String, Double> logging = new HashMap<>(production.loggingPropensities());
        logging.put(shadow.getExpert(), 1.0);
        byShadow
            .computeIfAbsent(shadow.getExpert(), e -> new ArrayList<>())
            .add(
                new LoggedDecision(
                    production.requestId(),
                    production.task(),
                    production.text(),
                    production.features(),
                    production.costBudget(),
                    chosen,
                    logging,
                    quality,
                    cost));
      }
    }
    List<LifecycleReport.ShadowVerdict> verdicts = new ArrayList<>();
    byShadow.forEach(
        (shadow, logged) -> {
          int judged = 0;
          for (LoggedDecision one : logged) {
            if (judgedWhole(one)) {
              judged++;
            }
          }
          Comparison comparison = null;
          Verdict verdict;
          if (judged == 0) {
            verdict = new Verdict(Verdict.Outcome.HOLD, "no shadowed request judged yet");
          } else {
            comparison =
                new OffPolicyEvaluator(settings.evaluation())
                    .compare(
                        logged,
                        one -> Map.of(shadow, 1.0),
                        one -> productionP.get(one.requestId()));
            verdict =
                settings
                    .rule()
                    .judge(
                        new PromotionRule.Evidence(sampled.get(shadow), judged, comparison, null));
          }
          verdicts.add(
              new LifecycleReport.ShadowVerdict(
                  shadow, sampled.get(shadow), judged, comparison, verdict));
        });
    return verdicts;
  }

  /**
   * A decision the canary served, as the candidate logged it: its choice at the candidate's own
   * propensities. The canary share is drawn apart from the request, so on these decisions the
   * candidate was the logging policy, and the same estimator judges the same estimand (the
   * candidate's reward per request) on its own outcomes, at importance weight 1.
   */
  private static LoggedDecision servedBy(LoggedDecision logged, Map<String, Double> candidate) {
    List<Choice> chosen = new ArrayList<>(logged.chosen().size());
    for (Choice choice : logged.chosen()) {
      chosen.add(new Choice(choice.expert(), choice.gateWeight(), candidate.get(choice.expert())));
    }
    return new LoggedDecision(
        logged.requestId(),
        logged.task(),
        logged.text(),
        logged.features(),
        logged.costBudget(),
        chosen,
        candidate,
        logged.quality(),
        logged.cost());
  }

  private LoggedDecision logged(RoutingDecision decision) {
    List<FeedbackEvent> about = feedback.get(decision.getRequestId());
    return DecisionFeedbackJoin.toLogged(
        decision,
        results.getOrDefault(decision.getRequestId(), Map.of()),
        about == null ? null : FeedbackMerge.merge(about));
  }

  private static boolean judgedWhole(LoggedDecision logged) {
    for (Choice choice : logged.chosen()) {
      if (Double.isNaN(logged.qualityOf(choice.expert()))) {
        return false;
      }
    }
    return true;
  }

  /** Per shadow and production expert, quality differences on the requests both answered. */
  private List<LifecycleReport.ShadowRow> shadowRows() {
    Map<String, Map<String, CanaryGuardrail.Arm[]>> arms = new TreeMap<>();
    Map<String, double[]> shadowCosts = new HashMap<>();
    for (RoutingDecision decision : decisions.values()) {
      if (decision.getShadow().isEmpty()) {
        continue;
      }
      List<FeedbackEvent> about = feedback.get(decision.getRequestId());
      if (about == null) {
        continue;
      }
      Map<String, Double> quality = new HashMap<>();
      Map<String, Double> cost = new HashMap<>();
      for (Rewards.Outcome one :
          Rewards.outcomes(
              Conversions.learned(decision),
              results.getOrDefault(decision.getRequestId(), Map.of()),
              FeedbackMerge.merge(about))) {
        quality.put(one.expert(), one.quality());
        cost.put(one.expert(), one.cost());
      }
      for (ChosenExpert shadow : decision.getShadow()) {
        Double s = quality.get(shadow.getExpert());
        if (s == null) {
          continue;
        }
        double[] spent = shadowCosts.computeIfAbsent(shadow.getExpert(), e -> new double[2]);
        spent[0] += cost.get(shadow.getExpert());
        spent[1]++;
        for (ChosenExpert chosen : decision.getChosen()) {
          Double p = quality.get(chosen.getExpert());
          if (p == null) {
            continue;
          }
          CanaryGuardrail.Arm[] pair =
              arms.computeIfAbsent(shadow.getExpert(), e -> new TreeMap<>())
                  .computeIfAbsent(
                      chosen.getExpert(),
                      e ->
                          new CanaryGuardrail.Arm[] {
                            new CanaryGuardrail.Arm(),
                            new CanaryGuardrail.Arm(),
                            new CanaryGuardrail.Arm()
                          });
          pair[0].add(s - p);
          pair[1].add(s);
          pair[2].add(p);
        }
      }
    }
    List<LifecycleReport.ShadowRow> rows = new ArrayList<>();
    arms.forEach(
        (shadow, against) ->
            against.forEach(
                (expert, pair) -> {
                  double[] spent = shadowCosts.get(shadow);
                  rows.add(
                      new LifecycleReport.ShadowRow(
                          shadow,
                          expert,
                          pair[0].count(),
                          pair[1].mean(),
                          pair[2].mean(),
                          spent[0] / spent[1],
                          settings.guardrail().interval(pair[0])));
                }));
    return rows;
  }
}
