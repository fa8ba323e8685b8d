package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Vectors;
import dev.gatestream.policy.WeightsSnapshot;

/**
 * Nearest-neighbour routing over the knn learner's centroids: for features x, the m centroids of
 * highest cosine similarity pool each expert's outcomes there, weighted by similarity s_c (clipped
 * at 0): n_e = Σ s_c n_ce and μ_e = Σ s_c (n_ce + 1) μ_ce / Σ s_c (n_ce + 1), the +1 so that a
 * centroid the expert has no outcome at still counts with its mean (the expert's overall level).
 * Utility u = μ_e + α/sqrt(1 + n_e) − λ·ĉ, the k best win (see {@link PricedTopKGate}).
 *
 * <p>Without weights, or for experts the weights lack, μ = n = 0: optimism and price decide, and
 * the ε exploration on top spreads the first requests.
 */
public final class KnnGate extends PricedTopKGate {

  // Keeps every similarity weight positive, so that a request orthogonal to its neighbours still
  // pools them.
  private static final double MIN_SIMILARITY = 1e-6;

  private final int dimension;
  private final int neighbours;
  private final double optimism;
  private final int centroids;
  private final float[] centroidValues;
  // Per centroid then per pool expert.
  private final double[] counts;
  private final double[] means;

  KnnGate(
      ExpertPool pool,
      long version,
      WeightsSnapshot weightsOrNull,
      int dimension,
      int k,
      int neighbours,
      double optimism,
      SpendController spend) {
    super("knn", pool, version, weightsOrNull, k, spend);
    if (neighbours < 1) {
      throw new IllegalArgumentException("the knn gate needs neighbours >= 1, got " + neighbours);
    }
    if (!(optimism >= 0) || Double.isInfinite(optimism)) {
      throw new IllegalArgumentException("optimism must be finite and >= 0, got " + optimism);
    }
    this.dimension = dimension;
    this.neighbours = neighbours;
    this.optimism = optimism;
    double[] published =
        weightsOrNull == null
            ? null
            : weightsOrNull.parameters().get(WeightsSnapshot.KNN_CENTROIDS);
    if (published == null || dimension == 0) {
      this.centroids = 0;
      this.centroidValues = new float[0];
      this.counts = new double[0];
      this.means = new double[0];
      return;
    }
    String label = label(weightsOrNull);
    if (published.length % dimension != 0) {
      throw new IllegalArgumentException(
          label + " have " + published.length + " centroid values, not a multiple of " + dimension);
    }
    this.centroids = published.length / dimension;
    this.centroidValues = new float[published.length];
    for (int j = 0; j < published.length; j++) {
      if (!Double.isFinite(published[j])) {
        throw new IllegalArgumentException(
            label + ", block " + WeightsSnapshot.KNN_CENTROIDS + " contains " + published[j]);
      }
      centroidValues[j] = (float) published[j];
    }
    this.counts = perCentroid(weightsOrNull, WeightsSnapshot.KNN_COUNTS, label);
    this.means = perCentroid(weightsOrNull, WeightsSnapshot.KNN_MEANS, label);
  }

  // A centroid × snapshot-expert block, laid out again over the pool's experts (0 for ones it
  // lacks).
  private double[] perCentroid(WeightsSnapshot weights, String block, String label) {
    int experts = weights.experts().size();
    double[] values = weights.parameters().get(block);
    if (values == null || values.length != centroids * experts) {
      throw new IllegalArgumentException(
          label
              + " have "
              + (values == null ? 0 : values.length)
              + " values in block "
              + block
              + ", expected "
              + centroids
              + " centroids × "
              + experts
              + " experts");
    }
    requireNonNegative(values, label + ", block " + block);
    double[] byPool = new double[centroids * pool.size()];
    for (int s = 0; s < experts; s++) {
      Integer index = pool.indexByName.get(weights.experts().get(s));
      if (index != null) {
        for (int c = 0; c < centroids; c++) {
          byPool[c * pool.size() + index] = values[c * experts + s];
        }
      }
    }
    return byPool;
  }

  @Override
  double[] scores(RoutingInput input, float[] features) {
    if (features.length != dimension) {
      throw new IllegalArgumentException(
          "features have " + features.length + " values, the gate expects " + dimension);
    }
    int m = Math.min(neighbours, centroids);
    int[] nearest = new int[m];
    double[] similarity = new double[m];
    int found = 0;
    // Insertion into the m best so far: m is small, and most centroids fail the first comparison.
    for (int c = 0; c < centroids; c++) {
      double dot = Vectors.dot(centroidValues, c * dimension, features, 0, dimension);
      if (found == m && dot <= similarity[m - 1]) {
        continue;
      }
      int j = found < m ? found : m - 1;
      found = Math.min(found + 1, m);
      while (j > 0 && similarity[j - 1] < dot) {
        nearest[j] = nearest[j - 1];
        similarity[j] = similarity[j - 1];
        j--;
      }
      nearest[j] = c;
      similarity[j] = dot;
    }
    int size = pool.size();
    double norm = Vectors.norm(features, 0, dimension);
    double[] evidence = new double[size];
    double[] weightedMeans = new double[size];
    double[] weights = new double[size];
    for (int i = 0; i < m; i++) {
      double s = Math.max(norm > 0 ? similarity[i] / norm : 0, 0) + MIN_SIMILARITY;
      int offset = nearest[i] * size;
      for (int e = 0; e < size; e++) {
        double n = counts[offset + e];
        evidence[e] += s * n;
        weightedMeans[e] += s * (n + 1) * means[offset + e];
        weights[e] += s * (n + 1);
      }
    }
    double lambda = lambda();
    double[] utility = new double[size];
    for (int e = 0; e < size; e++) {
      double mean = m == 0 ? 0 : weightedMeans[e] / weights[e];
      utility[e] = mean + optimism / Math.sqrt(1 + evidence[e]) - lambda * expectedCosts[e];
    }
    return utility;
  }
}
