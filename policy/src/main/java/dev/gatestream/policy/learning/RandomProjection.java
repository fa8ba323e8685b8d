package dev.gatestream.policy.learning;

import java.util.Random;

/**
 * A fixed Gaussian matrix P (entries N(0, 1/rows)) from a seed — the math of the router's
 * ProjectedFeaturizer. The ridge learners learn θ on z = P x and publish w = Pᵀθ, so w·x = θ·z and
 * the router scores the original features without knowing about the projection.
 */
final class RandomProjection {

  private final int rows;
  private final int columns;
  private final double[] matrix;

  // java.util.Random: its nextGaussian is specified, so a restored learner rebuilds the same
  // matrix.
  RandomProjection(int rows, int columns, long seed) {
    this.rows = rows;
    this.columns = columns;
    this.matrix = new double[rows * columns];
    Random random = new Random(seed);
    double scale = 1 / Math.sqrt(rows);
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = random.nextGaussian() * scale;
    }
  }

  double[] project(double[] x) {
    double[] z = new double[rows];
    for (int row = 0; row < rows; row++) {
      double sum = 0;
      for (int column = 0; column < columns; column++) {
        sum += matrix[row * columns + column] * x[column];
      }
      z[row] = sum;
    }
    return z;
  }

  /** Pᵀθ: weights over the original features that score x exactly as θ scores P x. */
  double[] backProject(double[] theta) {
    double[] w = new double[columns];
    for (int row = 0; row < rows; row++) {
      for (int column = 0; column < columns; column++) {
        w[column] += matrix[row * columns + column] * theta[row];
      }
    }
    return w;
  }

  /**
   * The θ with Pᵀθ = w, for a w that {@link #backProject} gave: (P Pᵀ)⁻¹ P w. P has fewer rows than
   * columns and full row rank (almost surely, being Gaussian), so this recovers θ exactly.
   */
  double[] unproject(double[] w) {
    double[] gram = new double[rows * rows];
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k <= i; k++) {
        double sum = 0;
        for (int column = 0; column < columns; column++) {
          sum += matrix[i * columns + column] * matrix[k * columns + column];
        }
        gram[i * rows + k] = sum;
        gram[k * rows + i] = sum;
      }
    }
    return new Cholesky(gram, rows).solve(project(w));
  }
}
