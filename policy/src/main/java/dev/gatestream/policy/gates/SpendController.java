package dev.gatestream.policy.gates;

/**
 * Holds the mean spend per request at a target by pricing cost: the dual variable λ of the
 * constraint E[cost] ≤ target, updated multiplicatively after every decision from that decision's
 * expected cost, λ ← λ·exp(η·clip((cost − target)/target, −1, 5)). Multiplicative steps find λ
 * whatever its scale (a target of $0.0005 wants λ in the thousands, one of $0.02 in the tens); the
 * clip keeps one call to a dear expert from swinging it. Without a target λ stays as configured.
 *
 * <p>One controller serves a router instance across weights versions, so the price it learned
 * survives every swap; decisions of several stream threads may update it, hence the
 * synchronization.
 */
public final class SpendController {

  private static final double MAX_RELATIVE_ERROR = 5;
  // λ stays within [1e-4, 1e4] / target: far beyond any useful price, but finite.
  private static final double RANGE = 1e4;

  private final double target;
  private final double step;
  private double lambda;

  /**
   * @param lambda the fixed price of cost without a target, the starting one with a target (0: 0.1
   *     / target)
   * @param target mean spend per request, USD; 0 for none
   * @param step η
   */
  public SpendController(double lambda, double target, double step) {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
    if (!(target >= 0) || Double.isInfinite(target)) {
      throw new IllegalArgumentException("the spend target must be finite and >= 0, got " + target);
    }
    if (target > 0 && !(step > 0 && step <= 1)) {
      throw new IllegalArgumentException(
          "the spend controller's step must be in (0, 1], got " + step);
    }
    this.target = target;
    this.step = step;
    this.lambda = target > 0 && lambda == 0 ? 0.1 / target : lambda;
  }

  /** A fixed price of cost. */
  public static SpendController fixed(double lambda) {
    return new SpendController(lambda, 0, 0);
  }

  public synchronized double lambda() {
    return lambda;
  }

  /** Takes note of one decision's expected spend. */
  public synchronized void charge(double expectedCost) {
    if (target == 0 || !Double.isFinite(expectedCost)) {
      return;
    }
    double error = Math.max(-1, Math.min(MAX_RELATIVE_ERROR, (expectedCost - target) / target));
    lambda =
        Math.max(1 / (RANGE * target), Math.min(RANGE / target, lambda * Math.exp(step * error)));
  }
}
