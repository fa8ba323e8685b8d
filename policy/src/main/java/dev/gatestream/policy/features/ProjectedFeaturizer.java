package dev.gatestream.policy.features;

import dev.gatestream.policy.RoutingInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Another featurizer's output times a fixed random Gaussian matrix (entries N(0, 1/outDimension)),
 * which roughly keeps distances (Johnson–Lindenstrauss) while shrinking what the gates learn.
 */
public final class ProjectedFeaturizer implements Featurizer {

  private final Featurizer inner;
  private final int outDimension;
  private final long seed;

  /** Row-major, outDimension rows of inner.dimension() columns. */
  private final float[] matrix;

  public ProjectedFeaturizer(Featurizer inner, int outDimension, long seed) {
    if (outDimension < 1) {
      throw new IllegalArgumentException(
          "projection dimension must be positive, got " + outDimension);
    }
    this.inner = inner;
    this.outDimension = outDimension;
    this.seed = seed;
    this.matrix = gaussianMatrix(outDimension, inner.dimension(), seed);
  }

  // java.util.Random because its nextGaussian algorithm is specified: the router and the learner
  // must build the same matrix from the same seed on any JDK.
  private static float[] gaussianMatrix(int rows, int columns, long seed) {
    Random random = new Random(seed);
    double scale = 1 / Math.sqrt(rows);
    float[] matrix = new float[rows * columns];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = (float) (random.nextGaussian() * scale);
    }
    return matrix;
  }

  @Override
  public String name() {
    return inner.name() + "-projected-" + outDimension + "-seed-" + seed;
  }

  @Override
  public int dimension() {
    return outDimension;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    return project(inner.featurize(input));
  }

  @Override
  public List<float[]> featurizeAll(List<RoutingInput> inputs) {
    List<float[]> innerFeatures = inner.featurizeAll(inputs);
    List<float[]> projected = new ArrayList<>(innerFeatures.size());
    for (float[] features : innerFeatures) {
      projected.add(project(features));
    }
    return projected;
  }

  private float[] project(float[] features) {
    int columns = features.length;
    float[] out = new float[outDimension];
    for (int row = 0; row < outDimension; row++) {
      int offset = row * columns;
      double sum = 0;
      for (int column = 0; column < columns; column++) {
        sum += matrix[offset + column] * features[column];
      }
      out[row] = (float) sum;
    }
    return out;
  }

  @Override
  public void close() {
    inner.close();
  }
}
