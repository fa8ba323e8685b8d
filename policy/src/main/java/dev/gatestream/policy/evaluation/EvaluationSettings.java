package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.learning.Rewards;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link OffPolicyEvaluator} estimates. Start from {@link #defaults()} and change with the
 * {@code with...} methods.
 *
 * @param estimand what is estimated about the candidate
 * @param rewards the reward rule, with the router's price of cost (router.gate.lambda), as the
 *     adaptation job learns from it
 * @param rewardModel the doubly robust estimator's reward regression, cross-fitted on two folds
 * @param bootstrapSamples resamples of the decisions behind each confidence interval
 * @param confidence the confidence intervals' level, e.g. 0.95
 * @param seed seeds the folds and the resampling, so an evaluation is reproducible
 * @param supportTolerance the largest share of the candidate's selection probability mass that may
 *     fall on experts the logging policy could not choose; that share is unobservable and is left
 *     out, so it bounds the bias (times the reward range). More is refused
 * @param warnMaxWeight warn when an importance ratio p(a|x)/p₀(a|x) exceeds this
 * @param warnEffectiveSampleSize warn when the importance weights' effective sample size is below
 *     this
 */
public record EvaluationSettings(
    Estimand estimand,
    Rewards rewards,
    RewardModel rewardModel,
    int bootstrapSamples,
    double confidence,
    long seed,
    double supportTolerance,
    double warnMaxWeight,
    double warnEffectiveSampleSize) {

  public EvaluationSettings {
    Objects.requireNonNull(estimand, "estimand");
    Objects.requireNonNull(rewards, "rewards");
    Objects.requireNonNull(rewardModel, "rewardModel");
    if (bootstrapSamples < 2) {
      throw new IllegalArgumentException(
          "bootstrap needs at least 2 samples, got " + bootstrapSamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    if (!(supportTolerance >= 0 && supportTolerance < 1)) {
      throw new IllegalArgumentException(
          "support tolerance must be in [0, 1), got " + supportTolerance);
    }
  }

  /**
   * Total reward at lambda 0, ridge (λ = 1) doubly robust, 1,000 bootstrap samples, 95% intervals,
   * seed 1, 0.1% of unsupported mass tolerated, warnings above weight 100 or below 100 effective
   * samples.
   */
  public static EvaluationSettings defaults() {
    return new EvaluationSettings(
        Estimand.TOTAL_REWARD, new Rewards(0), RewardModel.ridge(1), 1000, 0.95, 1, 1e-3, 100, 100);
  }

  public EvaluationSettings withEstimand(Estimand estimand) {
    return with(c -> c.estimand = estimand);
  }

  public EvaluationSettings withLambda(double lambda) {
    return with(c -> c.rewards = new Rewards(lambda));
  }

  public EvaluationSettings withRewardModel(RewardModel rewardModel) {
    return with(c -> c.rewardModel = rewardModel);
  }

  public EvaluationSettings withBootstrap(int samples, double confidence, long seed) {
    return with(
        c -> {
          c.bootstrapSamples = samples;
          c.confidence = confidence;
          c.seed = seed;
        });
  }

  public EvaluationSettings withSupportTolerance(double supportTolerance) {
    return with(c -> c.supportTolerance = supportTolerance);
  }

  public EvaluationSettings withWarnings(double maxWeight, double effectiveSampleSize) {
    return with(
        c -> {
          c.warnMaxWeight = maxWeight;
          c.warnEffectiveSampleSize = effectiveSampleSize;
        });
  }

  private EvaluationSettings with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return new EvaluationSettings(
        copy.estimand,
        copy.rewards,
        copy.rewardModel,
        copy.bootstrapSamples,
        copy.confidence,
        copy.seed,
        copy.supportTolerance,
        copy.warnMaxWeight,
        copy.warnEffectiveSampleSize);
  }

  /** The components of settings being changed. */
  private static final class Copy {
    Estimand estimand;
    Rewards rewards;
    RewardModel rewardModel;
    int bootstrapSamples;
    double confidence;
    long seed;
    double supportTolerance;
    double warnMaxWeight;
    double warnEffectiveSampleSize;

    Copy(EvaluationSettings s) {
      estimand = s.estimand;
      rewards = s.rewards;
      rewardModel = s.rewardModel;
      bootstrapSamples = s.bootstrapSamples;
      confidence = s.confidence;
      seed = s.seed;
      supportTolerance = s.supportTolerance;
      warnMaxWeight = s.warnMaxWeight;
      warnEffectiveSampleSize = s.warnEffectiveSampleSize;
    }
  }
}
