package dev.gatestream.policy.learning;

import dev.gatestream.policy.Vectors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Unit-length centroids of a memory's feature directions (k-means under cosine similarity). Seeded
 * by k-means++ from a fixed seed, then one Lloyd step per {@link #assign}/{@link #step} round: warm
 * starts across publications spread the clustering's cost, one pass over the memory each, and
 * keeping the centroids in the learner's state makes a replay from a checkpoint publish the same.
 */
final class SphericalKMeans {

  private final int dimension;
  private final long seed;
  private float[] centroids = new float[0];
  private int count;

  SphericalKMeans(int dimension, long seed) {
    this.dimension = dimension;
    this.seed = seed;
  }

  int count() {
    return count;
  }

  /** The centroids, one after another. */
  float[] centroids() {
    return Arrays.copyOf(centroids, count * dimension);
  }

  /**
   * The nearest centroid of every stored example, -1 for examples without a direction (zero
   * features); re-seeds first when the centroids are not the wanted number (too few examples for
   * them so far, or another budget).
   */
  int[] assign(ExampleMemory memory, int wanted) {
    if (count != wanted) {
      seed(memory, wanted);
    }
    float[] features = memory.features();
    int[] nearest = new int[memory.size()];
    for (int i = 0; i < nearest.length; i++) {
      nearest[i] = -1;
      if (Vectors.norm(features, i * dimension, dimension) == 0) {
        continue;
      }
      float best = 0;
      for (int c = 0; c < count; c++) {
        float similarity =
            Vectors.dot(centroids, c * dimension, features, i * dimension, dimension);
        if (nearest[i] < 0 || similarity > best) {
          nearest[i] = c;
          best = similarity;
        }
      }
    }
    return nearest;
  }

  /** Moves each centroid to the mean direction of the examples assigned to it; empty ones stay. */
  void step(ExampleMemory memory, int[] nearest) {
    float[] features = memory.features();
    double[] sums = new double[count * dimension];
    for (int i = 0; i < nearest.length; i++) {
      if (nearest[i] < 0) {
        continue;
      }
      double scale = 1 / Vectors.norm(features, i * dimension, dimension);
      for (int j = 0; j < dimension; j++) {
        sums[nearest[i] * dimension + j] += scale * features[i * dimension + j];
      }
    }
    for (int c = 0; c < count; c++) {
      double norm = 0;
      for (int j = 0; j < dimension; j++) {
        norm += sums[c * dimension + j] * sums[c * dimension + j];
      }
      if (norm > 0) {
        double scale = 1 / Math.sqrt(norm);
        for (int j = 0; j < dimension; j++) {
          centroids[c * dimension + j] = (float) (scale * sums[c * dimension + j]);
        }
      }
    }
  }

  // k-means++: each next centroid drawn with probability proportional to its squared distance
  // 2 − 2·cos from the nearest one so far; stops early when every direction is already a centroid.
  private void seed(ExampleMemory memory, int wanted) {
    float[] features = memory.features();
    int n = memory.size();
    double[] inverseNorms = new double[n];
    double[] distance = new double[n];
    for (int i = 0; i < n; i++) {
      double norm = Vectors.norm(features, i * dimension, dimension);
      inverseNorms[i] = norm > 0 ? 1 / norm : 0;
      distance[i] = norm > 0 ? Double.POSITIVE_INFINITY : 0;
    }
    SplittableRandom random = new SplittableRandom(seed);
    centroids = new float[wanted * dimension];
    count = 0;
    int pick = firstWithDirection(inverseNorms, random);
    while (pick >= 0 && count < wanted) {
      for (int j = 0; j < dimension; j++) {
        centroids[count * dimension + j] =
            (float) (inverseNorms[pick] * features[pick * dimension + j]);
      }
      double total = 0;
      for (int i = 0; i < n; i++) {
        if (inverseNorms[i] > 0) {
          double cosine =
              inverseNorms[i]
                  * Vectors.dot(centroids, count * dimension, features, i * dimension, dimension);
          distance[i] = Math.min(distance[i], Math.max(0, 2 - 2 * cosine));
          total += distance[i];
        }
      }
      count++;
      pick = total > 1e-9 ? drawProportional(distance, total, random) : -1;
    }
  }

  private static int firstWithDirection(double[] inverseNorms, SplittableRandom random) {
    int withDirection = 0;
    for (double inverseNorm : inverseNorms) {
      withDirection += inverseNorm > 0 ? 1 : 0;
    }
    if (withDirection == 0) {
      return -1;
    }
    int target = random.nextInt(withDirection);
    for (int i = 0; ; i++) {
      if (inverseNorms[i] > 0 && target-- == 0) {
        return i;
      }
    }
  }

  private static int drawProportional(double[] weights, double total, SplittableRandom random) {
    double target = random.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        last = i;
        target -= weights[i];
        if (target < 0) {
          return i;
        }
      }
    }
    return last;
  }

  /** Takes these centroids (count of them, one after another) as they are. */
  void restore(float[] restored, int restoredCount) {
    centroids = restored.clone();
    count = restoredCount;
  }

  void write(DataOutput out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count * dimension * Float.BYTES);
    buffer.asFloatBuffer().put(centroids, 0, count * dimension);
    out.writeInt(count);
    out.write(buffer.array());
  }

  void read(DataInput in) throws IOException {
    int stored = in.readInt();
    if (stored < 0 || stored > LearnerSettings.MAX_KNN_CENTROIDS) {
      throw new IOException("stored centroid count " + stored);
    }
    byte[] bytes = new byte[stored * dimension * Float.BYTES];
    in.readFully(bytes);
    centroids = new float[stored * dimension];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(centroids);
    count = stored;
  }
}
