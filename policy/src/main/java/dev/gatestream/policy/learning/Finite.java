package dev.gatestream.policy.learning;

/**
 * Whether a learner's numbers are all finite: one NaN or infinity in the state poisons what it
 * publishes.
 */
final class Finite {

  private Finite() {}

  static boolean all(double... values) {
    for (double value : values) {
      if (!Double.isFinite(value)) {
        return false;
      }
    }
    return true;
  }

  static boolean all(float[] values, int length) {
    for (int i = 0; i < length; i++) {
      if (!Float.isFinite(values[i])) {
        return false;
      }
    }
    return true;
  }
}
