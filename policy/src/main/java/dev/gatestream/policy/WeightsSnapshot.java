package dev.gatestream.policy;

import java.util.List;
import java.util.Map;

/**
 * One version of a policy's learned parameters (the plain form of the RoutingWeights record), in
 * blocks named by the constants below; the learner writes them and the gates and fusion read them
 * by these names only.
 */
public record WeightsSnapshot(
    String policy,
    long version,
    List<String> experts,
    int featureDimension,
    Map<String, double[]> parameters) {

  /** {@code w:<expert>}: a weight vector of length featureDimension per expert. */
  public static final String WEIGHTS = "w:";

  /** One bias per expert, in {@code experts} order. */
  public static final String BIAS = "b";

  /** {@code v:<expert>}: the variance of each weight and, last, of the bias (ridge learner). */
  public static final String VARIANCES = "v:";

  /** Outcomes learned per expert, in {@code experts} order (ridge and knn learners). */
  public static final String OUTCOMES = "n";

  /**
   * Mean cost per call per expert, USD, in {@code experts} order; 0 where no outcome is known yet.
   */
  public static final String COST = "cost";

  /**
   * Centroids of the knn learner's stored features, unit length, one after another
   * (featureDimension values each).
   */
  public static final String KNN_CENTROIDS = "knn.centroids";

  /**
   * Per centroid then per expert ({@code experts} order): outcomes of stored examples nearest it.
   */
  public static final String KNN_COUNTS = "knn.n";

  /**
   * Laid out as {@link #KNN_COUNTS}: their mean quality, shrunk toward the expert's overall mean.
   */
  public static final String KNN_MEANS = "knn.mean";

  /** The expert's running mean quality, in {@code experts} order, for fusion's weighting. */
  public static final String RELIABILITY = "reliability";

  /** A per-expert block, or null when the snapshot lacks it. */
  public double[] block(String perExpertPrefix, String expert) {
    return parameters.get(perExpertPrefix + expert);
  }
}
