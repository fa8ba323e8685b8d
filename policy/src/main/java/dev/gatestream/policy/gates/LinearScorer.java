package dev.gatestream.policy.gates;

import dev.gatestream.policy.WeightsSnapshot;
import java.util.Arrays;

/**
 * s_i = w_i·x + b_i for every configured expert, from one weights snapshot laid out flat
 * (expert-major) so scoring is one pass over a contiguous array.
 */
final class LinearScorer {

  private final int expertCount;
  private final int dimension;
  private final double[] weights;
  private final double[] biases;

  private LinearScorer(int expertCount, int dimension, double[] weights, double[] biases) {
    this.expertCount = expertCount;
    this.dimension = dimension;
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * Experts the snapshot has but the pool lacks are ignored; pool experts the snapshot lacks score
   * 0 (weights and bias zero). No snapshot: every score is 0.
   */
  static LinearScorer from(ExpertPool pool, int dimension, WeightsSnapshot snapshot) {
    if (dimension < 0) {
      throw new IllegalArgumentException("feature dimension must be >= 0, got " + dimension);
    }
    int n = pool.size();
    double[] weights = new double[n * dimension];
    double[] biases = new double[n];
    if (snapshot == null) {
      return new LinearScorer(n, dimension, weights, biases);
    }
    String label = "weights v" + snapshot.version() + " for policy " + snapshot.policy();
    if (snapshot.featureDimension() != dimension) {
      throw new IllegalArgumentException(
          label
              + " have dimension "
              + snapshot.featureDimension()
              + ", the featurizer gives "
              + dimension);
    }
    double[] snapshotBiases = snapshot.parameters().get(WeightsSnapshot.BIAS);
    if (snapshotBiases != null && snapshotBiases.length != snapshot.experts().size()) {
      throw new IllegalArgumentException(
          label
              + " have "
              + snapshotBiases.length
              + " biases for "
              + snapshot.experts().size()
              + " experts");
    }
    for (int s = 0; s < snapshot.experts().size(); s++) {
      String expert = snapshot.experts().get(s);
      Integer index = pool.indexByName.get(expert);
      if (index == null) {
        continue;
      }
      double[] w = snapshot.block(WeightsSnapshot.WEIGHTS, expert);
      if (w != null) {
        if (w.length != dimension) {
          throw new IllegalArgumentException(
              label
                  + " have "
                  + w.length
                  + " weights for expert "
                  + expert
                  + ", expected "
                  + dimension);
        }
        requireFinite(w, label + ", block w:" + expert);
        System.arraycopy(w, 0, weights, index * dimension, dimension);
      }
      if (snapshotBiases != null) {
        requireFinite(new double[] {snapshotBiases[s]}, label + ", bias of " + expert);
        biases[index] = snapshotBiases[s];
      }
    }
    return new LinearScorer(n, dimension, weights, biases);
  }

  private static void requireFinite(double[] values, String what) {
    for (double value : values) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException(what + " contains " + value);
      }
    }
  }

  int dimension() {
    return dimension;
  }

  double[] score(float[] features) {
    if (features.length != dimension) {
      throw new IllegalArgumentException(
          "features have " + features.length + " values, the gate expects " + dimension);
    }
    double[] scores = Arrays.copyOf(biases, expertCount);
    for (int i = 0; i < expertCount; i++) {
      scores[i] += dot(weights, i * dimension, features);
    }
    return scores;
  }

  // Four accumulators: independent additions pipeline, a single running sum would serialize them.
  private double dot(double[] w, int offset, float[] x) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < dimension; j += 4) {
      s0 += w[offset + j] * x[j];
      s1 += w[offset + j + 1] * x[j + 1];
      s2 += w[offset + j + 2] * x[j + 2];
      s3 += w[offset + j + 3] * x[j + 3];
    }
    for (; j < dimension; j++) {
      s0 += w[offset + j] * x[j];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
