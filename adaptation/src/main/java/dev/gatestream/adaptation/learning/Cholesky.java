package dev.gatestream.adaptation.learning;

/** Cholesky factor L (A = L Lᵀ) of a small symmetric positive definite matrix, row-major. */
final class Cholesky {

  private final int n;
  private final double[] lower;

  Cholesky(double[] a, int n) {
    this.n = n;
    this.lower = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = a[i * n + j];
        for (int k = 0; k < j; k++) {
          sum -= lower[i * n + k] * lower[j * n + k];
        }
        if (i == j) {
          if (!(sum > 0)) {
            throw new IllegalStateException("matrix is not positive definite");
          }
          lower[i * n + i] = Math.sqrt(sum);
        } else {
          lower[i * n + j] = sum / lower[j * n + j];
        }
      }
    }
  }

  /** A⁻¹ b. */
  double[] solve(double[] b) {
    return backward(forward(b));
  }

  /** L⁻ᵀ e: with e ~ N(0, I), a draw from N(0, A⁻¹). */
  double[] backward(double[] e) {
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = e[i];
      for (int k = i + 1; k < n; k++) {
        sum -= lower[k * n + i] * x[k];
      }
      x[i] = sum / lower[i * n + i];
    }
    return x;
  }

  private double[] forward(double[] b) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = b[i];
      for (int k = 0; k < i; k++) {
        sum -= lower[i * n + k] * y[k];
      }
      y[i] = sum / lower[i * n + i];
    }
    return y;
  }

  /** A⁻¹, row-major. */
  double[] inverse() {
    double[] inverse = new double[n * n];
    double[] unit = new double[n];
    for (int column = 0; column < n; column++) {
      unit[column] = 1;
      double[] x = solve(unit);
      unit[column] = 0;
      for (int row = 0; row < n; row++) {
        inverse[row * n + column] = x[row];
      }
    }
    return inverse;
  }
}
