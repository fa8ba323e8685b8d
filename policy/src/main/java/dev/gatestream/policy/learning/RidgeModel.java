package dev.gatestream.policy.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Discounted ridge regression of the reward, the statistics of LinUCB and linear Thompson sampling:
 * A = γA + (1 − γ)λI + z zᵀ, b = γb + r z, θ = A⁻¹ b, over z = (features, 1). The ridge learner
 * regresses the quality instead, from a prior mean on the bias (b starts at λ·prior there, and
 * forgetting shrinks toward it), and publishes θ as it is with 1 / diag(A): the bandit gate's
 * per-request uncertainty Σ z_j² / A_jj, diagonal LinUCB. The diagonal of A⁻¹ would not do: a
 * one-hot block plus the bias is collinear, so those marginal variances stay large however much
 * evidence comes in.
 *
 * <p>The router's gates score linearly, so a snapshot can carry neither LinUCB's per-request bonus
 * α·sqrt(zᵀA⁻¹z) nor a per-request posterior sample. The approximations published instead: LinUCB
 * publishes θ plus, on the bias, α times the uncertainty averaged over recent contexts,
 * α·sqrt(tr(A⁻¹ Σ)) with Σ = E[z zᵀ] (Jensen: an upper bound of the mean bonus) — optimism per
 * expert, not per request; Thompson publishes one sample θ̃ ~ N(θ, v²A⁻¹) per snapshot, so a gate
 * that keeps a snapshot for many requests explores between snapshots rather than between requests.
 *
 * <p>No importance weights: given the linear model, ridge on the chosen expert's own data is
 * unbiased whatever chose it, and reweighting would distort A as a confidence set.
 */
final class RidgeModel implements ExpertModel {

  // The ridge learner's prior on an expert's level weighs one outcome: its own outcomes soon decide
  // it,
  // while λ shrinks the per-task and per-content offsets, which have far fewer outcomes each.
  private static final double BIAS_PRIOR_WEIGHT = 1;

  private final LearnerKind kind;
  private final int size;
  private final double lambda;
  private final double forgetting;
  private final double alpha;
  private final double scale;
  private final double prior;
  private final double biasLambda;
  private final double[] gram;
  private final double[] moments;

  RidgeModel(LearnerSettings settings, int dimension) {
    this.kind = settings.kind();
    this.size = dimension + 1;
    this.lambda = settings.ridgeLambda();
    this.forgetting = settings.forgetting();
    this.alpha = settings.ucbAlpha();
    this.scale = settings.thompsonScale();
    this.gram = new double[size * size];
    this.moments = new double[size];
    this.prior = kind == LearnerKind.RIDGE ? settings.priorReward() : 0;
    this.biasLambda = kind == LearnerKind.RIDGE ? BIAS_PRIOR_WEIGHT : lambda;
    for (int i = 0; i < size; i++) {
      gram[i * size + i] = i == size - 1 ? biasLambda : lambda;
    }
    moments[size - 1] = biasLambda * prior;
  }

  /**
   * A model whose A is the diagonal precision and whose b = A θ, so that it publishes θ as it is:
   * the warm start's reading of a published snapshot, which carries no off-diagonal statistics.
   */
  static RidgeModel diagonal(
      LearnerSettings settings, int dimension, double[] theta, double[] precision) {
    RidgeModel model = new RidgeModel(settings, dimension);
    Arrays.fill(model.gram, 0);
    for (int i = 0; i < model.size; i++) {
      model.gram[i * model.size + i] = precision[i];
      model.moments[i] = precision[i] * theta[i];
    }
    return model;
  }

  @Override
  public void update(double[] x, double target, double importance) {
    double[] z = withBias(x);
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        gram[i * size + j] = forgetting * gram[i * size + j] + z[i] * z[j];
      }
      gram[i * size + i] += (1 - forgetting) * (i == size - 1 ? biasLambda : lambda);
      moments[i] = forgetting * moments[i] + target * z[i];
    }
    moments[size - 1] += (1 - forgetting) * biasLambda * prior;
  }

  static double[] withBias(double[] x) {
    double[] z = new double[x.length + 1];
    System.arraycopy(x, 0, z, 0, x.length);
    z[x.length] = 1;
    return z;
  }

  @Override
  public double[] publish(SplittableRandom random, ContextMoments contexts) {
    Cholesky cholesky = new Cholesky(gram, size);
    double[] theta = cholesky.solve(moments);
    if (kind == LearnerKind.RIDGE) {
      return theta;
    }
    if (kind == LearnerKind.LINUCB) {
      double meanVariance = contexts.meanQuadraticForm(cholesky.inverse());
      theta[size - 1] += alpha * Math.sqrt(Math.max(0, meanVariance));
    } else {
      double[] noise = new double[size];
      for (int i = 0; i < size; i++) {
        noise[i] = gaussian(random);
      }
      double[] draw = cholesky.backward(noise);
      for (int i = 0; i < size; i++) {
        theta[i] += scale * draw[i];
      }
    }
    return theta;
  }

  @Override
  public double[] variances() {
    double[] diagonal = new double[size];
    for (int i = 0; i < size; i++) {
      diagonal[i] = 1 / gram[i * size + i];
    }
    return diagonal;
  }

  // Box–Muller spelled out: RandomGenerator.nextGaussian's algorithm is unspecified, and replaying
  // the
  // same feedback should publish the same samples on any JDK.
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public boolean finite() {
    return Finite.all(gram) && Finite.all(moments);
  }

  @Override
  public void write(DataOutput out) throws IOException {
    Codec.writeArray(out, gram);
    Codec.writeArray(out, moments);
  }

  static RidgeModel read(LearnerSettings settings, int dimension, DataInput in) throws IOException {
    RidgeModel model = new RidgeModel(settings, dimension);
    Codec.readArray(in, model.gram);
    Codec.readArray(in, model.moments);
    return model;
  }
}
