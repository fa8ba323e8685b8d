package dev.gatestream.policy.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * Online generalized linear model by importance-weighted AdaGrad SGD: log-loss on σ(w·x + b) (soft
 * labels in [0,1]) or squared loss on w·x + b. The squared-gradient accumulators decay by the
 * forgetting factor, so step sizes stop shrinking after about 1/(1 − forgetting) updates and the
 * model keeps following drift.
 *
 * <p>Importance weights (clipped 1/propensity) scale each gradient: the expert's data are the
 * requests the router sent it, and a linear model that cannot fit every context exactly would
 * otherwise fit those contexts at the expense of the ones it might be sent next.
 *
 * <p>Published scores are shrunk toward a prior, s = κ(w·x + b) + (1 − κ)·prior with κ = n/(n +
 * n0): an optimistic prior makes a greedy gate try experts it knows little about, and bounds the
 * score spread of the first snapshots so that traffic does not collapse onto whichever expert
 * learned first.
 */
final class SgdModel implements ExpertModel {

  private static final double EPSILON = 1e-8;
  // σ(±6) ≈ 0.0025 / 0.9975: enough to act on, and keeps an optimistic logistic prior finite.
  private static final double MAX_PRIOR_LOGIT = 6;

  private final boolean logistic;
  private final double learningRate;
  private final double l2;
  private final double forgetting;
  private final double priorScore;
  private final double priorCount;
  private final double[] weights;
  private final double[] squaredGradients;
  private double bias;
  private double biasSquaredGradient;
  private double count;

  SgdModel(LearnerSettings settings, int dimension) {
    this.logistic = settings.kind() == LearnerKind.LOGISTIC;
    this.learningRate = settings.learningRate();
    this.l2 = settings.l2();
    this.forgetting = settings.forgetting();
    this.priorScore = logistic ? logit(settings.priorReward()) : settings.priorReward();
    this.priorCount = settings.priorCount();
    this.weights = new double[dimension];
    this.squaredGradients = new double[dimension];
  }

  /**
   * A model that publishes these unscaled scores (weights, then the bias) when it has seen count
   * examples: the inverse of {@link #publish}'s shrinkage toward the prior, for the warm start. The
   * AdaGrad accumulators are not published and start over.
   */
  static SgdModel resumed(
      LearnerSettings settings, int dimension, double[] published, double count) {
    SgdModel model = new SgdModel(settings, dimension);
    double kappa = count / (count + model.priorCount);
    for (int j = 0; j < dimension; j++) {
      model.weights[j] = published[j] / kappa;
    }
    model.bias = (published[dimension] - (1 - kappa) * model.priorScore) / kappa;
    model.count = count;
    return model;
  }

  private static double logit(double p) {
    double logit = Math.log(p / (1 - p));
    return Math.max(-MAX_PRIOR_LOGIT, Math.min(MAX_PRIOR_LOGIT, logit));
  }

  static double sigmoid(double s) {
    return 1 / (1 + Math.exp(-s));
  }

  /** The model's own prediction: P(good answer) when logistic, else the expected reward. */
  double predict(double[] x) {
    double s = bias;
    for (int j = 0; j < weights.length; j++) {
      s += weights[j] * x[j];
    }
    return logistic ? sigmoid(s) : s;
  }

  @Override
  public void update(double[] x, double target, double importance) {
    // Both losses have gradient (prediction − target) with respect to the linear score.
    double g = (predict(x) - target) * importance;
    for (int j = 0; j < weights.length; j++) {
      if (x[j] == 0 && weights[j] == 0) {
        continue;
      }
      double gj = g * x[j] + l2 * weights[j];
      squaredGradients[j] = forgetting * squaredGradients[j] + gj * gj;
      weights[j] -= learningRate * gj / (Math.sqrt(squaredGradients[j]) + EPSILON);
    }
    biasSquaredGradient = forgetting * biasSquaredGradient + g * g;
    bias -= learningRate * g / (Math.sqrt(biasSquaredGradient) + EPSILON);
    count = forgetting * count + importance;
  }

  @Override
  public double[] publish(SplittableRandom random, ContextMoments contexts) {
    double kappa = count / (count + priorCount);
    double[] published = new double[weights.length + 1];
    for (int j = 0; j < weights.length; j++) {
      published[j] = kappa * weights[j];
    }
    published[weights.length] = kappa * bias + (1 - kappa) * priorScore;
    return published;
  }

  /** SGD keeps no second-order statistics to tell its uncertainty by. */
  @Override
  public double[] variances() {
    throw new UnsupportedOperationException(
        "the " + (logistic ? "logistic" : "linear") + " learner has no variance estimate");
  }

  @Override
  public boolean finite() {
    return Finite.all(weights)
        && Finite.all(squaredGradients)
        && Finite.all(bias, biasSquaredGradient, count);
  }

  @Override
  public void write(DataOutput out) throws IOException {
    Codec.writeArray(out, weights);
    Codec.writeArray(out, squaredGradients);
    out.writeDouble(bias);
    out.writeDouble(biasSquaredGradient);
    out.writeDouble(count);
  }

  static SgdModel read(LearnerSettings settings, int dimension, DataInput in) throws IOException {
    SgdModel model = new SgdModel(settings, dimension);
    Codec.readArray(in, model.weights);
    Codec.readArray(in, model.squaredGradients);
    model.bias = in.readDouble();
    model.biasSquaredGradient = in.readDouble();
    model.count = in.readDouble();
    return model;
  }
}
