package dev.gatestream.policy.learning;

import java.io.DataOutput;
import java.io.IOException;
import java.util.SplittableRandom;

/** One expert's score model, over the learner's (possibly projected) feature space. */
interface ExpertModel {

  /**
   * @param x features in the model's space
   * @param target what the model fits: quality (logistic) or reward
   * @param importance clipped 1/propensity, for the models that reweight
   */
  void update(double[] x, double target, double importance);

  /**
   * Score parameters to publish, weights then the bias last, in the model's space and unscaled.
   *
   * @param contexts second moments of recent contexts (bias coordinate included), for optimism
   */
  double[] publish(SplittableRandom random, ContextMoments contexts);

  /** The variance of each published coefficient (weights, then the bias) for the bandit gate. */
  double[] variances();

  /** Whether every number of its state is finite. */
  boolean finite();

  void write(DataOutput out) throws IOException;
}
