package dev.gatestream.policy.learning;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Length-checked double arrays in a learner's binary state, copied in bulk: the Flink job writes
 * the whole state after every example, and value-by-value writes made that the job's bottleneck.
 */
final class Codec {

  private Codec() {}

  static void writeArray(DataOutput out, double[] values) throws IOException {
    out.writeInt(values.length);
    byte[] bytes = new byte[values.length * Double.BYTES];
    ByteBuffer.wrap(bytes).asDoubleBuffer().put(values);
    out.write(bytes);
  }

  /** Fills target, which must have the stored length: a learner state never changes its shape. */
  static void readArray(DataInput in, double[] target) throws IOException {
    int length = in.readInt();
    if (length != target.length) {
      throw new IOException("stored array has " + length + " values, expected " + target.length);
    }
    byte[] bytes = new byte[length * Double.BYTES];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(target);
  }
}
