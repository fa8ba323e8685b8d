package dev.gatestream.app.lifecycle;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.evaluation.EvaluationSettings;
import dev.gatestream.policy.learning.Rewards;
import dev.gatestream.policy.lifecycle.CanaryGuardrail;
import dev.gatestream.policy.lifecycle.PromotionRule;

/**
 * What the lifecycle judges by, from configuration: the production policy and its candidate, the
 * promotion rule, the canary guardrail, and the evaluation (the reward as the router and the
 * learner price cost).
 *
 * @param candidate router.candidate.policy, empty when none is configured
 * @param candidateGate router.candidate.gate, empty for the production gate's settings
 * @param judgeEvery policy.watch.every
 * @param watchShadows policy.watch.shadows
 */
public record LifecycleSettings(
    String production,
    String candidate,
    String candidateGate,
    PromotionRule rule,
    CanaryGuardrail guardrail,
    EvaluationSettings evaluation,
    int judgeEvery,
    boolean watchShadows) {

  public static LifecycleSettings from(GatestreamConfig config) {
    double confidence = config.getDouble(GatestreamConfig.POLICY_PROMOTION_CONFIDENCE);
    return new LifecycleSettings(
        config.getString(GatestreamConfig.ROUTER_POLICY),
        config.getString(GatestreamConfig.ROUTER_CANDIDATE_POLICY),
        config.getString(GatestreamConfig.ROUTER_CANDIDATE_GATE),
        new PromotionRule(
            config.getDouble(GatestreamConfig.POLICY_PROMOTION_MARGIN),
            config.getDouble(GatestreamConfig.POLICY_PROMOTION_MIN_ESS),
            config.getDouble(GatestreamConfig.POLICY_PROMOTION_MIN_COVERAGE),
            config.getDouble(GatestreamConfig.POLICY_PROMOTION_COST_CEILING)),
        new CanaryGuardrail(
            config.getDouble(GatestreamConfig.POLICY_CANARY_ROLLBACK_MARGIN),
            config.getInt(GatestreamConfig.POLICY_CANARY_MIN_OUTCOMES),
            confidence),
        EvaluationSettings.defaults()
            .withLambda(config.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA))
            .withBootstrap(
                config.getInt(GatestreamConfig.POLICY_PROMOTION_BOOTSTRAP_SAMPLES), confidence, 1),
        config.getInt(GatestreamConfig.POLICY_WATCH_EVERY),
        config.getBoolean(GatestreamConfig.POLICY_WATCH_SHADOWS));
  }

  public Rewards rewards() {
    return evaluation.rewards();
  }
}
