package dev.gatestream.app.evaluate;

import dev.gatestream.adaptation.Conversions;
import dev.gatestream.contracts.CascadePlan;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.EscalationStep;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.cascade.LoggedCascade;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.Rewards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A cascade's logged requests: the router's decision says it was a cascade and by what rule, the
 * fused result carries the escalation decisions fusion took, and the experts' results and the
 * feedback say what each expert asked earned, judged by {@link Rewards}.
 */
final class CascadeLog {

  /** The escalation step's reason for an expert that gave no answer. */
  private static final String FAILED = CascadeRule.Reason.FAILED.id();

  private CascadeLog() {}

  /** The rule a cascade decision was made by. */
  static CascadeRule ruleOf(CascadePlan plan) {
    return new CascadeRule(
        plan.getOrder(), plan.getThreshold(), plan.getMinRemainingMs(), plan.getExploration());
  }

  /**
   * One request as a logged cascade; null when its fused result carries no escalation decision.
   *
   * @throws IllegalArgumentException when a step's propensity is not usable
   */
  static LoggedCascade of(
      RoutingDecision decision,
      FusedResult fused,
      Map<String, ResultEvent> results,
      FeedbackEvent feedbackOrNull) {
    if (fused == null || fused.getEscalations().isEmpty()) {
      return null;
    }
    List<LoggedCascade.Step> steps = new ArrayList<>(fused.getEscalations().size());
    for (EscalationStep step : fused.getEscalations()) {
      steps.add(
          new LoggedCascade.Step(
              step.getFrom(),
              step.getTo(),
              !FAILED.equals(step.getReason()),
              step.getConfidence() == null
                  ? OptionalDouble.empty()
                  : OptionalDouble.of(step.getConfidence()),
              step.getRemainingMs(),
              step.getEscalated(),
              step.getPropensity()));
    }
    List<Rewards.Outcome> outcomes = List.of();
    if (feedbackOrNull != null) {
      // Every expert the cascade asked, not only the one the router chose.
      List<ChosenExpert> asked =
          fused.getExpected().stream().map(expert -> new ChosenExpert(expert, 1.0, 1.0)).toList();
      RoutingDecision all = RoutingDecision.newBuilder(decision).setChosen(asked).build();
      outcomes = Rewards.outcomes(Conversions.decision(all), results, feedbackOrNull);
    }
    return new LoggedCascade(decision.getRequestId(), steps, outcomes);
  }
}
