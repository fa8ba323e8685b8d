package dev.gatestream.experts.backend;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes small linear ONNX models (opset 13) as protobuf bytes, by hand, so tests run real models
 * in ONNX Runtime without a Python toolchain. Field numbers are those of onnx.proto.
 */
final class OnnxModels {

  private static final int FLOAT = 1;

  private OnnxModels() {}

  /** probabilities = Softmax(features · weights + bias): input "features" [N, d], out [N, C]. */
  static byte[] softmaxRegression(float[][] weights, float[] bias) {
    int d = weights.length;
    int c = bias.length;
    float[] flat = new float[d * c];
    for (int i = 0; i < d; i++) {
      System.arraycopy(weights[i], 0, flat, i * c, c);
    }
    Proto graph =
        new Proto()
            .message(1, node("MatMul", "features", "W", "logits_raw"))
            .message(1, node("Add", "logits_raw", "B", "logits"))
            .message(1, node("Softmax", "logits", null, "probabilities"))
            .string(2, "softmax_regression")
            .message(5, tensor("W", new long[] {d, c}, flat))
            .message(5, tensor("B", new long[] {c}, bias))
            .message(11, valueInfo("features", new Object[] {"N", (long) d}))
            .message(12, valueInfo("probabilities", new Object[] {"N", (long) c}));
    return model(graph);
  }

  /** score = features · weights + bias: input "features" [N, d], output "score" [N]. */
  static byte[] linearScore(float[] weights, float bias) {
    Proto graph =
        new Proto()
            .message(1, node("MatMul", "features", "w", "raw"))
            .message(1, node("Add", "raw", "b", "score"))
            .string(2, "linear_score")
            .message(5, tensor("w", new long[] {weights.length}, weights))
            .message(5, tensor("b", new long[] {1}, new float[] {bias}))
            .message(11, valueInfo("features", new Object[] {"N", (long) weights.length}))
            .message(12, valueInfo("score", new Object[] {"N"}));
    return model(graph);
  }

  private static byte[] model(Proto graph) {
    return new Proto()
        .varint(1, 8)
        .string(2, "gatestream-tests")
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 13))
        .bytes();
  }

  private static Proto node(String op, String a, String b, String out) {
    Proto node = new Proto().string(1, a);
    if (b != null) {
      node.string(1, b);
    }
    return node.string(2, out).string(3, op + "_" + out).string(4, op);
  }

  private static Proto tensor(String name, long[] dims, float[] values) {
    Proto tensor = new Proto();
    for (long dim : dims) {
      tensor.varint(1, dim);
    }
    tensor.varint(2, FLOAT);
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    for (float v : values) {
      int bits = Float.floatToIntBits(v);
      for (int i = 0; i < 4; i++) {
        packed.write(bits >>> (8 * i));
      }
    }
    return tensor.raw(4, packed.toByteArray()).string(8, name);
  }

  /**
   * @param dims each a Long (fixed size) or a String (symbolic, e.g. the batch)
   */
  private static Proto valueInfo(String name, Object[] dims) {
    Proto shape = new Proto();
    for (Object dim : dims) {
      shape.message(
          1,
          dim instanceof Long size
              ? new Proto().varint(1, size)
              : new Proto().string(2, (String) dim));
    }
    Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** Protobuf wire format: varints and length-delimited fields are all these models need. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto string(int field, String value) {
      return raw(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return raw(field, message.bytes());
    }

    Proto raw(int field, byte[] value) {
      writeVarint(((long) field << 3) | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void writeVarint(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
