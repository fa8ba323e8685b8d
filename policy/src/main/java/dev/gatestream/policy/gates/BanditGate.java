package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Vectors;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.Arrays;

/**
 * Routes to the k experts of highest utility u = μ(x) + α·σ(x) − λ·ĉ: the ridge learner's predicted
 * quality μ(x) = w·x + b, an optimism bonus α times its standard deviation σ(x)² = Σ_j x_j² v_j +
 * v_b (the published variances of the coefficients, so the bonus shrinks with evidence per expert
 * and per context, e.g. per task slot), and the price λ of the expert's expected cost ĉ (see {@link
 * PricedTopKGate}).
 *
 * <p>Without weights every expert predicts the learner's prior with unit variance per coordinate,
 * so the first requests go to whatever optimism and price favour, and the ε exploration on top
 * spreads them.
 */
public final class BanditGate extends PricedTopKGate {

  private final LinearScorer means;
  // Floats: a bonus needs no more precision, and float dot products run at twice the width.
  private final float[] variances;
  private final double optimism;

  BanditGate(
      ExpertPool pool,
      long version,
      LinearScorer means,
      WeightsSnapshot weightsOrNull,
      int k,
      double optimism,
      SpendController spend) {
    super("bandit", pool, version, weightsOrNull, k, spend);
    if (!(optimism >= 0) || Double.isInfinite(optimism)) {
      throw new IllegalArgumentException("optimism must be finite and >= 0, got " + optimism);
    }
    int size = means.dimension() + 1;
    this.means = means;
    this.optimism = optimism;
    this.variances = new float[pool.size() * size];
    Arrays.fill(variances, 1f);
    if (weightsOrNull != null) {
      read(pool, weightsOrNull, size);
    }
  }

  private void read(ExpertPool pool, WeightsSnapshot weights, int size) {
    String label = label(weights);
    for (int s = 0; s < weights.experts().size(); s++) {
      String expert = weights.experts().get(s);
      Integer index = pool.indexByName.get(expert);
      if (index == null) {
        continue;
      }
      double[] v = weights.block(WeightsSnapshot.VARIANCES, expert);
      if (v != null) {
        if (v.length != size) {
          throw new IllegalArgumentException(
              label
                  + " have "
                  + v.length
                  + " variances for expert "
                  + expert
                  + ", expected "
                  + size);
        }
        requireNonNegative(v, label + ", block v:" + expert);
        for (int j = 0; j < size; j++) {
          variances[index * size + j] = (float) v[j];
        }
      }
    }
  }

  @Override
  double[] scores(RoutingInput input, float[] features) {
    double[] utility = means.score(features);
    double lambda = lambda();
    int d = features.length;
    float[] squared = new float[d];
    for (int j = 0; j < d; j++) {
      squared[j] = features[j] * features[j];
    }
    for (int i = 0; i < utility.length; i++) {
      int offset = i * (d + 1);
      double variance = variances[offset + d] + Vectors.dot(variances, offset, squared, 0, d);
      utility[i] += optimism * Math.sqrt(variance) - lambda * expectedCosts[i];
    }
    return utility;
  }
}
