package dev.gatestream.policy.learning;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/** Cholesky factor L (A = L Lᵀ) of a small symmetric positive definite matrix, row-major (EJML). */
final class Cholesky {

  private final int n;
  private final DMatrixRMaj lower;

  Cholesky(double[] a, int n) {
    this.n = n;
    CholeskyDecomposition_F64<DMatrixRMaj> decomposition = DecompositionFactory_DDRM.chol(n, true);
    if (!decomposition.decompose(DMatrixRMaj.wrap(n, n, a.clone()))) {
      throw new IllegalStateException("matrix is not positive definite");
    }
    this.lower = decomposition.getT(null);
  }

  /** A⁻¹ b. */
  double[] solve(double[] b) {
    double[] x = b.clone();
    TriangularSolver_DDRM.solveL(lower.data, x, n);
    TriangularSolver_DDRM.solveTranL(lower.data, x, n);
    return x;
  }

  /** L⁻ᵀ e: with e ~ N(0, I), a draw from N(0, A⁻¹). */
  double[] backward(double[] e) {
    double[] x = e.clone();
    TriangularSolver_DDRM.solveTranL(lower.data, x, n);
    return x;
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
