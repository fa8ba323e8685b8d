package dev.gatestream.policy.evaluation;

import java.util.List;
import java.util.function.ToDoubleBiFunction;

/**
 * A regression of an expert's reward on the request, the direct-method half of the doubly robust
 * estimator. It needs no importance weights: the estimator's correction term removes its bias.
 */
public interface RewardModel {

  /**
   * Fits on what the training decisions revealed, the values of their chosen experts.
   *
   * @param measure what a chosen expert earned (its reward, quality or cost), NaN when unknown
   */
  Fitted fit(List<LoggedDecision> training, ToDoubleBiFunction<LoggedDecision, String> measure);

  /** A fitted model. */
  @FunctionalInterface
  interface Fitted {

    /** The expected value of expert on decision's request. */
    double predict(LoggedDecision decision, String expert);
  }

  /**
   * Ridge regression per expert on (features, 1), the intercept unpenalized; falls back to {@link
   * #taskMeans()} when the training decisions lack features or disagree on their length, and for a
   * request whose features do not fit.
   *
   * @param lambda the L2 penalty on the feature weights, > 0
   */
  static RewardModel ridge(double lambda) {
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("ridge lambda must be finite and > 0, got " + lambda);
    }
    return (training, measure) -> RidgeRewardModel.fit(training, measure, lambda);
  }

  /**
   * The mean reward per expert and task, then per expert for tasks it has no reward for, then
   * overall for experts without any (0 with no data at all).
   */
  static RewardModel taskMeans() {
    return TaskMeansRewardModel::fit;
  }
}
