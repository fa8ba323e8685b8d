package dev.gatestream.policy.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The most recent examples, at most capacity of them, in a ring: features, the expert that
 * answered, its quality and cost. Floats: the features come as floats, and they are 10,000 × d of
 * the state.
 */
final class ExampleMemory {

  private final int capacity;
  private final int dimension;
  private final float[] features;
  private final int[] experts;
  private final float[] quality;
  private final float[] cost;
  private int size;
  private int next;

  ExampleMemory(int capacity, int dimension) {
    this.capacity = capacity;
    this.dimension = dimension;
    this.features = new float[capacity * dimension];
    this.experts = new int[capacity];
    this.quality = new float[capacity];
    this.cost = new float[capacity];
  }

  /** Stores one example, evicting the oldest when full. */
  void add(double[] x, int expert, double quality, double cost) {
    int offset = next * dimension;
    for (int j = 0; j < dimension; j++) {
      features[offset + j] = (float) x[j];
    }
    experts[next] = expert;
    this.quality[next] = (float) quality;
    this.cost[next] = (float) cost;
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  int size() {
    return size;
  }

  /**
   * Every stored feature, slot-major; slots below {@link #size()} hold examples (in no particular
   * order).
   */
  float[] features() {
    return features;
  }

  int expert(int slot) {
    return experts[slot];
  }

  double quality(int slot) {
    return quality[slot];
  }

  double cost(int slot) {
    return cost[slot];
  }

  /**
   * Whether every stored feature, quality and cost is finite (a double beyond float range is not).
   */
  boolean finite() {
    return Finite.all(features, size * dimension)
        && Finite.all(quality, size)
        && Finite.all(cost, size);
  }

  /**
   * Column by column (features, experts, qualities, costs), each oldest first and in bulk, so that
   * a memory of another capacity reads them back as the most recent ones.
   */
  void write(DataOutput out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(size * (dimension + 3) * Float.BYTES);
    int oldest = size < capacity ? 0 : next;
    int tail = size - oldest;
    buffer
        .asFloatBuffer()
        .put(features, oldest * dimension, tail * dimension)
        .put(features, 0, oldest * dimension);
    buffer.position(size * dimension * Float.BYTES);
    buffer.asIntBuffer().put(experts, oldest, tail).put(experts, 0, oldest);
    buffer.position(buffer.position() + size * Integer.BYTES);
    buffer.asFloatBuffer().put(quality, oldest, tail).put(quality, 0, oldest);
    buffer.position(buffer.position() + size * Float.BYTES);
    buffer.asFloatBuffer().put(cost, oldest, tail).put(cost, 0, oldest);
    out.writeInt(size);
    out.write(buffer.array());
  }

  /** Reads what {@link #write} wrote, keeping the newest capacity examples. */
  void read(DataInput in, int expertCount) throws IOException {
    int stored = in.readInt();
    if (stored < 0) {
      throw new IOException("negative example count " + stored);
    }
    byte[] bytes = new byte[stored * (dimension + 3) * Float.BYTES];
    in.readFully(bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    float[] storedFeatures = new float[stored * dimension];
    int[] storedExperts = new int[stored];
    float[] storedQuality = new float[stored];
    float[] storedCost = new float[stored];
    buffer.asFloatBuffer().get(storedFeatures);
    buffer.position(stored * dimension * Float.BYTES);
    buffer.asIntBuffer().get(storedExperts);
    buffer.position(buffer.position() + stored * Integer.BYTES);
    buffer.asFloatBuffer().get(storedQuality);
    buffer.position(buffer.position() + stored * Float.BYTES);
    buffer.asFloatBuffer().get(storedCost);
    for (int expert : storedExperts) {
      if (expert < 0 || expert >= expertCount) {
        throw new IOException(
            "example of expert #" + expert + ", the state has " + expertCount + " experts");
      }
    }
    double[] x = new double[dimension];
    for (int i = Math.max(0, stored - capacity); i < stored; i++) {
      for (int j = 0; j < dimension; j++) {
        x[j] = storedFeatures[i * dimension + j];
      }
      add(x, storedExperts[i], storedQuality[i], storedCost[i]);
    }
  }
}
