package dev.gatestream.policy.learning;

import dev.gatestream.policy.WeightsSnapshot;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The knn learner's nonparametric reward model: the most recent examples, summarized for
 * publication as centroids of their feature directions with, per centroid and expert, how many of
 * its nearest examples that expert answered and their mean quality. The window is its forgetting:
 * an expert's means follow drift as new outcomes replace old ones.
 *
 * <p>No importance weights: a mean of the chosen expert's own outcomes near x is unbiased whatever
 * chose it, as long as the choice depended on x only (and exploration's coin).
 */
final class KnnModel {

  /** Per-expert blocks beside the centroid blocks in a snapshot: reliability, outcomes and cost. */
  static final int PER_EXPERT_BLOCKS = 3;

  // The prior quality weighs one outcome in an expert's overall mean, as in the ridge learner, and
  // the
  // overall mean weighs one outcome in each centroid's: sparse cells lean on the expert's level.
  private static final double PRIOR_WEIGHT = 1;
  private static final double SHRINKAGE = 1;

  private final int dimension;
  private final int centroidLimit;
  private final double prior;
  private final ExampleMemory memory;
  private final SphericalKMeans clusters;

  KnnModel(LearnerSettings settings) {
    this.dimension = settings.featureDimension();
    this.centroidLimit = settings.knnCentroids();
    this.prior = settings.priorReward();
    this.memory = new ExampleMemory(settings.knnCapacity(), dimension);
    this.clusters = new SphericalKMeans(dimension, settings.projectionSeed());
  }

  void add(double[] x, int expert, double quality, double cost) {
    memory.add(x, expert, quality, cost);
  }

  /** The most experts a snapshot can hold with at least one centroid. */
  static int maxExperts(int dimension) {
    return Math.max(1, (PolicyLearner.MAX_PARAMETERS - dimension) / (2 + PER_EXPERT_BLOCKS));
  }

  /**
   * Centroids that fit {@link PolicyLearner#MAX_PARAMETERS} beside this many experts' blocks: C·d +
   * 2·C·E + 3·E.
   */
  int centroidsFor(int experts) {
    int fit =
        (PolicyLearner.MAX_PARAMETERS - PER_EXPERT_BLOCKS * experts) / (dimension + 2 * experts);
    return Math.max(1, Math.min(centroidLimit, fit));
  }

  /**
   * The centroid blocks of a snapshot; then one Lloyd step, for the next publication.
   *
   * @param cost per expert, replaced by the mean cost of its stored calls where the memory holds
   *     any
   */
  Map<String, double[]> publish(int experts, double[] cost) {
    int[] nearest = clusters.assign(memory, centroidsFor(experts));
    int centroids = clusters.count();
    double[] counts = new double[centroids * experts];
    double[] sums = new double[centroids * experts];
    double[] outcomes = new double[experts];
    double[] qualitySums = new double[experts];
    double[] costSums = new double[experts];
    for (int i = 0; i < nearest.length; i++) {
      int expert = memory.expert(i);
      outcomes[expert]++;
      qualitySums[expert] += memory.quality(i);
      costSums[expert] += memory.cost(i);
      if (nearest[i] >= 0) {
        counts[nearest[i] * experts + expert]++;
        sums[nearest[i] * experts + expert] += memory.quality(i);
      }
    }
    double[] means = new double[centroids * experts];
    for (int e = 0; e < experts; e++) {
      double overall = (qualitySums[e] + PRIOR_WEIGHT * prior) / (outcomes[e] + PRIOR_WEIGHT);
      for (int c = 0; c < centroids; c++) {
        int cell = c * experts + e;
        means[cell] = (sums[cell] + SHRINKAGE * overall) / (counts[cell] + SHRINKAGE);
      }
      if (outcomes[e] > 0) {
        cost[e] = costSums[e] / outcomes[e];
      }
    }
    float[] published = clusters.centroids();
    double[] centroidBlock = new double[published.length];
    for (int j = 0; j < published.length; j++) {
      centroidBlock[j] = published[j];
    }
    clusters.step(memory, nearest);
    Map<String, double[]> blocks = new LinkedHashMap<>();
    blocks.put(WeightsSnapshot.KNN_CENTROIDS, centroidBlock);
    blocks.put(WeightsSnapshot.KNN_COUNTS, counts);
    blocks.put(WeightsSnapshot.KNN_MEANS, means);
    return blocks;
  }

  /**
   * The memory and centroids that publish these blocks again (see {@link #publish}): per centroid
   * and expert, that cell's count of examples at the centroid, with the quality that reproduces the
   * cell's shrunk mean and the expert's mean cost. Each cell's mean is (sum + S·o) / (count + S)
   * with the expert's overall mean o = (Σ sums + P·prior) / (Σ counts + P); solved for the sums, o
   * is (Σ_c mean_c·(count_c + S) + P·prior) / (Σ counts + P + C·S) over the C centroids. Examples
   * that had no direction counted in o but in no cell; they are not recovered.
   */
  void resume(double[] centroids, double[] counts, double[] means, double[] cost, int experts) {
    int count = counts.length / experts;
    float[] restored = new float[centroids.length];
    for (int j = 0; j < restored.length; j++) {
      restored[j] = (float) centroids[j];
    }
    clusters.restore(restored, count);
    double[] overall = new double[experts];
    for (int e = 0; e < experts; e++) {
      double sum = PRIOR_WEIGHT * prior;
      double n = PRIOR_WEIGHT + count * SHRINKAGE;
      for (int c = 0; c < count; c++) {
        sum += means[c * experts + e] * (counts[c * experts + e] + SHRINKAGE);
        n += counts[c * experts + e];
      }
      overall[e] = sum / n;
    }
    double[] x = new double[dimension];
    for (int c = 0; c < count; c++) {
      for (int j = 0; j < dimension; j++) {
        x[j] = restored[c * dimension + j];
      }
      for (int e = 0; e < experts; e++) {
        int cell = c * experts + e;
        long examples = Math.round(counts[cell]);
        double quality =
            (means[cell] * (counts[cell] + SHRINKAGE) - SHRINKAGE * overall[e]) / counts[cell];
        for (long i = 0; i < examples; i++) {
          memory.add(x, e, quality, cost[e]);
        }
      }
    }
  }

  boolean finite() {
    return memory.finite();
  }

  void write(DataOutput out) throws IOException {
    memory.write(out);
    clusters.write(out);
  }

  void read(DataInput in, int expertCount) throws IOException {
    memory.read(in, expertCount);
    clusters.read(in);
  }
}
