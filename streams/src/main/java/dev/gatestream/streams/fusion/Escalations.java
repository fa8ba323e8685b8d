package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.CascadePlan;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.EscalationStep;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.cascade.CascadeRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

/**
 * A cascade's escalations in fusion. When the answer of a cascade's current stage is in, the
 * cascade rule judges it once: the step (confidence, probability, what was done) is recorded in the
 * decision's plan, which the fused result carries, and on escalation the next expert joins the
 * decision's chosen ones, so that fusion waits for its answer too, and gets the task to send it.
 */
final class Escalations {

  private final CascadeMetrics metrics;
  private final DoubleSupplier uniform;

  /**
   * @param uniform draws from [0,1) that decide under the cascade's exploration
   */
  Escalations(CascadeMetrics metrics, DoubleSupplier uniform) {
    this.metrics = metrics;
    this.uniform = uniform;
  }

  /**
   * Judges the answer of the cascade's current stage, if it is in and not judged yet.
   *
   * @param deadlineMs when fusion emits whatever it has
   * @return the task for the next expert, when the cascade escalates
   * @throws IllegalArgumentException when the decision's cascade plan is not a valid cascade
   */
  Optional<ExpertTask> next(
      RoutingDecision decision, List<ExpertResult> results, long deadlineMs, long nowMs) {
    CascadePlan plan = decision.getCascade();
    if (plan == null) {
      return Optional.empty();
    }
    List<EscalationStep> steps = plan.getSteps();
    int stage = steps.size();
    if (!steps.isEmpty() && !steps.get(stage - 1).getEscalated()) {
      return Optional.empty(); // the cascade stopped at an earlier stage
    }
    CascadeRule rule =
        new CascadeRule(
            plan.getOrder(), plan.getThreshold(), plan.getMinRemainingMs(), plan.getExploration());
    if (!rule.hasNext(stage)) {
      return Optional.empty();
    }
    ExpertResult result = FusionRule.resultOf(rule.order().get(stage), results);
    if (result == null) {
      return Optional.empty();
    }
    boolean answered = result.getStatus() == ResultStatus.OK && result.getOutput() != null;
    OptionalDouble confidence = answered ? AnswerConfidence.of(result) : OptionalDouble.empty();
    CascadeRule.Step step =
        rule.decide(stage, answered, confidence, deadlineMs - nowMs, uniform.getAsDouble());
    List<EscalationStep> taken = new ArrayList<>(steps);
    taken.add(record(step, rule.threshold(), nowMs));
    plan.setSteps(taken);
    metrics.step(step.reason(), step.escalated());
    if (!step.escalated()) {
      return Optional.empty();
    }
    List<ChosenExpert> chosen = new ArrayList<>(decision.getChosen());
    double earlier = 0;
    for (ChosenExpert one : chosen) {
      earlier += one.getGateWeight();
    }
    // The stronger expert was asked to overrule the earlier answers: it outweighs them together.
    double weight = 2 * Math.max(earlier, 1);
    chosen.add(new ChosenExpert(step.to(), weight, pathPropensity(taken)));
    decision.setChosen(chosen);
    return Optional.of(
        ExpertTask.newBuilder()
            .setRequestId(decision.getRequestId())
            .setExpert(step.to())
            .setRequest(plan.getRequest())
            .setGateWeight(weight)
            .setPolicyVersion(decision.getPolicyVersion())
            .setIssuedAtMs(nowMs)
            .build());
  }

  /** The probability that the cascade reached this far: every escalation on the way. */
  private static double pathPropensity(List<EscalationStep> steps) {
    double propensity = 1;
    for (EscalationStep step : steps) {
      propensity *= step.getPropensity();
    }
    return propensity;
  }

  private static EscalationStep record(CascadeRule.Step step, double threshold, long nowMs) {
    return EscalationStep.newBuilder()
        .setStage(step.stage())
        .setFrom(step.from())
        .setTo(step.to())
        .setConfidence(step.confidence().isPresent() ? step.confidence().getAsDouble() : null)
        .setThreshold(threshold)
        .setEscalateProbability(step.escalateProbability())
        .setEscalated(step.escalated())
        .setPropensity(step.propensity())
        .setRemainingMs(step.remainingMs())
        .setReason(step.reason().id())
        .setDecidedAtMs(nowMs)
        .build();
  }
}
