package dev.gatestream.policy;

/** Dot products of float vectors, shared by the knn learner's clustering and the knn gate. */
public final class Vectors {

  private Vectors() {}

  /** a[aOffset, aOffset + length) · b[bOffset, bOffset + length). */
  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
    // Eight accumulators: independent additions pipeline, a single running sum would serialize them
    // on
    // the adder's latency (C2 does not vectorize floating-point reductions).
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int j = 0;
    for (; j + 7 < length; j += 8) {
      s0 += a[aOffset + j] * b[bOffset + j];
      s1 += a[aOffset + j + 1] * b[bOffset + j + 1];
      s2 += a[aOffset + j + 2] * b[bOffset + j + 2];
      s3 += a[aOffset + j + 3] * b[bOffset + j + 3];
      s4 += a[aOffset + j + 4] * b[bOffset + j + 4];
      s5 += a[aOffset + j + 5] * b[bOffset + j + 5];
      s6 += a[aOffset + j + 6] * b[bOffset + j + 6];
      s7 += a[aOffset + j + 7] * b[bOffset + j + 7];
    }
    for (; j < length; j++) {
      s0 += a[aOffset + j] * b[bOffset + j];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** The Euclidean norm of a[offset, offset + length). */
  public static double norm(float[] a, int offset, int length) {
    return Math.sqrt(dot(a, offset, a, offset, length));
  }
}
