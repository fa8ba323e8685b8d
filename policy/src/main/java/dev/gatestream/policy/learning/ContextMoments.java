package dev.gatestream.policy.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Exponentially weighted second moments E[z zᵀ] of the contexts the policy sees (all requests,
 * every expert), z the model-space features with a trailing 1 for the bias. LinUCB's published
 * optimism is the uncertainty averaged over these contexts.
 */
final class ContextMoments {

  private final int size;
  private final double forgetting;
  private final double[] sums;
  private double weight;

  ContextMoments(int size, double forgetting) {
    this.size = size;
    this.forgetting = forgetting;
    this.sums = new double[size * size];
  }

  void add(double[] z) {
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        sums[i * size + j] = forgetting * sums[i * size + j] + z[i] * z[j];
      }
    }
    weight = forgetting * weight + 1;
  }

  /** tr(M Σ) for a symmetric size × size M: the mean of zᵀ M z over the contexts seen. */
  double meanQuadraticForm(double[] symmetric) {
    if (weight == 0) {
      // No context yet: only the bias coordinate is known to be 1.
      return symmetric[size * size - 1];
    }
    double trace = 0;
    for (int k = 0; k < sums.length; k++) {
      trace += symmetric[k] * sums[k];
    }
    return trace / weight;
  }

  boolean finite() {
    return Finite.all(sums) && Double.isFinite(weight);
  }

  void write(DataOutput out) throws IOException {
    Codec.writeArray(out, sums);
    out.writeDouble(weight);
  }

  void read(DataInput in) throws IOException {
    Codec.readArray(in, sums);
    weight = in.readDouble();
  }
}
