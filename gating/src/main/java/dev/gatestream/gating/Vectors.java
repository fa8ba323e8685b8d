package dev.gatestream.gating;

/** Dot products of float vectors, shared by the knn learner's clustering and the knn gate. */
public final class Vectors {

  private Vectors() {}

  /** a[aOffset, aOffset + length) · b[bOffset, bOffset + length). */
  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
    // Four accumulators: independent additions pipeline, a single running sum would serialize them.
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int j = 0;
    for (; j + 3 < length; j += 4) {
      s0 += a[aOffset + j] * b[bOffset + j];
      s1 += a[aOffset + j + 1] * b[bOffset + j + 1];
      s2 += a[aOffset + j + 2] * b[bOffset + j + 2];
      s3 += a[aOffset + j + 3] * b[bOffset + j + 3];
    }
    for (; j < length; j++) {
      s0 += a[aOffset + j] * b[bOffset + j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The Euclidean norm of a[offset, offset + length). */
  public static double norm(float[] a, int offset, int length) {
    return Math.sqrt(dot(a, offset, a, offset, length));
  }
}
