package dev.gatestream.gating.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Length-checked double arrays in a learner's binary state. */
final class Codec {

  private Codec() {}

  static void writeArray(DataOutput out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double value : values) {
      out.writeDouble(value);
    }
  }

  /** Fills target, which must have the stored length: a learner state never changes its shape. */
  static void readArray(DataInput in, double[] target) throws IOException {
    int length = in.readInt();
    if (length != target.length) {
      throw new IOException("stored array has " + length + " values, expected " + target.length);
    }
    for (int i = 0; i < length; i++) {
      target[i] = in.readDouble();
    }
  }
}
