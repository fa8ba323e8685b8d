package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.Choice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Per-expert ridge regression θ = (ZᵀZ + λ·diag(1, …, 1, 0))⁻¹ Zᵀr over z = (features, 1). The
 * intercept goes unpenalized so rewards far from 0 are not shrunk towards it; with λ > 0 and at
 * least one sample the system is positive definite.
 */
final class RidgeRewardModel implements RewardModel.Fitted {

  private final int dimension;
  private final Map<String, double[]> coefficients;
  private final TaskMeansRewardModel fallback;

  private RidgeRewardModel(
      int dimension, Map<String, double[]> coefficients, TaskMeansRewardModel fallback) {
    this.dimension = dimension;
    this.coefficients = coefficients;
    this.fallback = fallback;
  }

  static RewardModel.Fitted fit(
      List<LoggedDecision> training,
      ToDoubleBiFunction<LoggedDecision, String> measure,
      double lambda) {
    TaskMeansRewardModel fallback = TaskMeansRewardModel.fit(training, measure);
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
        double observed = measure.applyAsDouble(decision, choice.expert());
        if (Double.isNaN(observed)) {
          continue;
        }
        double[] gram = grams.computeIfAbsent(choice.expert(), e -> new double[size * size]);
        double[] moment = moments.computeIfAbsent(choice.expert(), e -> new double[size]);
        for (int i = 0; i < size; i++) {
          moment[i] += observed * z[i];
          for (int j = 0; j <= i; j++) {
            gram[i * size + j] += z[i] * z[j];
          }
        }
      }
    }
    Map<String, double[]> coefficients = new HashMap<>();
    grams.forEach(
        (expert, gram) -> {
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

  /**
   * A⁻¹b by Cholesky (EJML), for a symmetric positive definite A of which only the lower triangle
   * is filled.
   */
  private static double[] solveLowerStored(double[] a, double[] b, int n) {
    DMatrixRMaj matrix = DMatrixRMaj.wrap(n, n, a.clone());
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        matrix.data[i * n + j] = matrix.data[j * n + i];
      }
    }
    LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(n);
    if (!solver.setA(matrix)) {
      throw new IllegalStateException("the regularized Gram matrix is not positive definite");
    }
    DMatrixRMaj x = new DMatrixRMaj(n, 1);
    solver.solve(DMatrixRMaj.wrap(n, 1, b.clone()), x);
    return x.data;
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
