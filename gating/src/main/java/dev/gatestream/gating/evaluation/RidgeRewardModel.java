package dev.gatestream.gating.evaluation;

import dev.gatestream.gating.Choice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-expert ridge regression θ = (ZᵀZ + λ·diag(1, …, 1, 0))⁻¹ Zᵀr over z = (features, 1). The
 * intercept goes unpenalized so rewards far from 0 are not shrunk towards it; with λ > 0 and at least one
 * sample the system is positive definite.
 */
final class RidgeRewardModel implements RewardModel.Fitted {

  private final int dimension;
  private final Map<String, double[]> coefficients;
  private final TaskMeansRewardModel fallback;

  private RidgeRewardModel(int dimension, Map<String, double[]> coefficients, TaskMeansRewardModel fallback) {
    this.dimension = dimension;
    this.coefficients = coefficients;
    this.fallback = fallback;
  }

  static RewardModel.Fitted fit(List<LoggedDecision> training, double lambda) {
    TaskMeansRewardModel fallback = TaskMeansRewardModel.fit(training);
    int dimension = commonDimension(training);
    if (dimension <= 0) {
      return fallback;
    }
    int size = dimension + 1;
    Map<String, double[]> grams = new HashMap<>();
    Map<String, double[]> moments = new HashMap<>();
    double[] z = new double[size];
    z[dimension] = 1;
    for (LoggedDecision decision : training) {
      float[] x = decision.features();
      for (int j = 0; j < dimension; j++) {
        z[j] = x[j];
      }
      for (Choice choice : decision.chosen()) {
        double reward = decision.rewardOf(choice.expert());
        if (Double.isNaN(reward)) {
          continue;
        }
        double[] gram = grams.computeIfAbsent(choice.expert(), e -> new double[size * size]);
        double[] moment = moments.computeIfAbsent(choice.expert(), e -> new double[size]);
        for (int i = 0; i < size; i++) {
          moment[i] += reward * z[i];
          for (int j = 0; j <= i; j++) {
            gram[i * size + j] += z[i] * z[j];
          }
        }
      }
    }
    Map<String, double[]> coefficients = new HashMap<>();
    grams.forEach((expert, gram) -> {
      for (int i = 0; i < dimension; i++) {
        gram[i * size + i] += lambda;
      }
      coefficients.put(expert, solveLowerStored(gram, moments.get(expert), size));
    });
    return new RidgeRewardModel(dimension, coefficients, fallback);
  }

  /** The features' length when every decision has the same non-zero one, else 0. */
  private static int commonDimension(List<LoggedDecision> training) {
    int dimension = -1;
    for (LoggedDecision decision : training) {
      int length = decision.features() == null ? 0 : decision.features().length;
      if (dimension >= 0 && length != dimension) {
        return 0;
      }
      dimension = length;
    }
    return Math.max(dimension, 0);
  }

  /** A⁻¹b by Cholesky, for a symmetric positive definite A of which only the lower triangle is filled. */
  private static double[] solveLowerStored(double[] a, double[] b, int n) {
    double[] lower = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = a[i * n + j];
        for (int k = 0; k < j; k++) {
          sum -= lower[i * n + k] * lower[j * n + k];
        }
        lower[i * n + j] = i == j ? Math.sqrt(sum) : sum / lower[j * n + j];
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = b[i];
      for (int k = 0; k < i; k++) {
        sum -= lower[i * n + k] * y[k];
      }
      y[i] = sum / lower[i * n + i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = y[i];
      for (int k = i + 1; k < n; k++) {
        sum -= lower[k * n + i] * x[k];
      }
      x[i] = sum / lower[i * n + i];
    }
    return x;
  }

  @Override
  public double predict(LoggedDecision decision, String expert) {
    double[] theta = coefficients.get(expert);
    float[] x = decision.features();
    if (theta == null || x == null || x.length != dimension) {
      return fallback.predict(decision, expert);
    }
    double prediction = theta[dimension];
    for (int j = 0; j < dimension; j++) {
      prediction += theta[j] * x[j];
    }
    return prediction;
  }
}
