package dev.gatestream.policy.learning;

import java.io.Serializable;

/**
 * How a policy's learner learns; see the {@code adaptation.*} configuration keys for each value.
 *
 * @param featureDimension what the router's featurizer gives, and so the published weights' length
 * @param priorReward the reward assumed of an expert with no evidence (logistic and linear)
 * @param priorCount how many examples that prior weighs
 * @param forgetting per-update discount of old evidence, in (0,1]
 * @param projectionDimension linucb/thompson: learn on a random projection to this when the
 *     features have more than {@link #MAX_RIDGE_DIMENSION} dimensions
 * @param knnCapacity knn: the most recent examples it keeps
 * @param knnCentroids knn: the most centroids it publishes (fewer when they do not fit a snapshot)
 */
public record LearnerSettings(
    LearnerKind kind,
    int featureDimension,
    double learningRate,
    double l2,
    double ridgeLambda,
    double ucbAlpha,
    double thompsonScale,
    double inverseTemperature,
    double priorReward,
    double priorCount,
    double forgetting,
    double maxImportanceWeight,
    int projectionDimension,
    long projectionSeed,
    int knnCapacity,
    int knnCentroids)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Most dimensions the ridge learners keep d × d statistics for. */
  public static final int MAX_RIDGE_DIMENSION = 128;

  /**
   * Most centroids the knn learner publishes: the gate compares every request with each of them.
   */
  public static final int MAX_KNN_CENTROIDS = 256;

  public LearnerSettings {
    if (kind == null) {
      throw new IllegalArgumentException("a learner kind is required");
    }
    if (featureDimension < 0) {
      throw new IllegalArgumentException("feature dimension must be >= 0, got " + featureDimension);
    }
    requirePositive(learningRate, "learning rate");
    requirePositive(ridgeLambda, "ridge lambda");
    requirePositive(inverseTemperature, "inverse temperature");
    requireNonNegative(l2, "l2");
    requireNonNegative(ucbAlpha, "ucb alpha");
    requireNonNegative(thompsonScale, "thompson scale");
    requireNonNegative(priorCount, "prior count");
    if (!(priorReward >= 0 && priorReward <= 1)) {
      throw new IllegalArgumentException("prior reward must be in [0,1], got " + priorReward);
    }
    if (!(forgetting > 0 && forgetting <= 1)) {
      throw new IllegalArgumentException("forgetting must be in (0,1], got " + forgetting);
    }
    if (!(maxImportanceWeight >= 1) || Double.isInfinite(maxImportanceWeight)) {
      throw new IllegalArgumentException(
          "max importance weight must be finite and >= 1, got " + maxImportanceWeight);
    }
    if (kind == LearnerKind.RIDGE && featureDimension > MAX_RIDGE_DIMENSION) {
      // Its per-coordinate variances would not survive a projection back to the router's space.
      throw new IllegalArgumentException(
          "the ridge learner takes at most "
              + MAX_RIDGE_DIMENSION
              + " features, the router's layout has "
              + featureDimension
              + " (shrink router.projection.dimension, router.feature.dimension or the task block)");
    }
    if (projectionDimension < 1 || projectionDimension > MAX_RIDGE_DIMENSION) {
      throw new IllegalArgumentException(
          "projection dimension must be in [1, "
              + MAX_RIDGE_DIMENSION
              + "], got "
              + projectionDimension);
    }
    if (knnCapacity < 1 || knnCentroids < 1 || knnCentroids > MAX_KNN_CENTROIDS) {
      throw new IllegalArgumentException(
          "knn capacity must be >= 1 and centroids in [1, "
              + MAX_KNN_CENTROIDS
              + "], got "
              + knnCapacity
              + " and "
              + knnCentroids);
    }
  }

  /** Settings with the knn defaults: 10,000 examples, up to 256 centroids. */
  public LearnerSettings(
      LearnerKind kind,
      int featureDimension,
      double learningRate,
      double l2,
      double ridgeLambda,
      double ucbAlpha,
      double thompsonScale,
      double inverseTemperature,
      double priorReward,
      double priorCount,
      double forgetting,
      double maxImportanceWeight,
      int projectionDimension,
      long projectionSeed) {
    this(
        kind,
        featureDimension,
        learningRate,
        l2,
        ridgeLambda,
        ucbAlpha,
        thompsonScale,
        inverseTemperature,
        priorReward,
        priorCount,
        forgetting,
        maxImportanceWeight,
        projectionDimension,
        projectionSeed,
        10_000,
        MAX_KNN_CENTROIDS);
  }

  public LearnerSettings withKnn(int capacity, int centroids) {
    return new LearnerSettings(
        kind,
        featureDimension,
        learningRate,
        l2,
        ridgeLambda,
        ucbAlpha,
        thompsonScale,
        inverseTemperature,
        priorReward,
        priorCount,
        forgetting,
        maxImportanceWeight,
        projectionDimension,
        projectionSeed,
        capacity,
        centroids);
  }

  /** Defaults of the configuration keys, for one kind and dimension. */
  public static LearnerSettings defaults(LearnerKind kind, int featureDimension) {
    return new LearnerSettings(
        kind,
        featureDimension,
        0.05,
        1e-4,
        1.0,
        1.0,
        0.5,
        5.0,
        1.0,
        20.0,
        0.998,
        10.0,
        32,
        20_240_601L);
  }

  /** Whether the ridge learners work on a projection of the features. */
  boolean projects() {
    return (kind == LearnerKind.LINUCB || kind == LearnerKind.THOMPSON)
        && featureDimension > MAX_RIDGE_DIMENSION;
  }

  /** 1/propensity clipped to [1, max]; unknown or invalid propensities weigh 1. */
  double importanceWeight(double propensity) {
    if (!(propensity > 0) || propensity > 1) {
      return 1;
    }
    return Math.min(maxImportanceWeight, 1 / propensity);
  }

  private static void requirePositive(double value, String what) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + value);
    }
  }

  private static void requireNonNegative(double value, String what) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
    }
  }
}
