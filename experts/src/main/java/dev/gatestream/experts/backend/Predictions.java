package dev.gatestream.experts.backend;

import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Score;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns a model's output tensor, row-major, into one answer per row of the batch. */
final class Predictions {

  private Predictions() {}

  /**
   * @param shape [batch] or [batch, 1] for scores; [batch, C] for class probabilities
   * @param labels labels of the C classes; empty = "0".."C-1"
   * @return the answers, one per row
   * @throws IllegalArgumentException with a one-line reason when the tensor fits neither reading
   */
  static List<Object> of(long[] shape, double[] values, int batch, List<String> labels) {
    if (shape.length == 0 || shape.length > 2 || shape[0] != batch) {
      throw new IllegalArgumentException(
          "output shape "
              + Arrays.toString(shape)
              + " is neither ["
              + batch
              + "], ["
              + batch
              + ", 1] nor ["
              + batch
              + ", classes]");
    }
    int width = shape.length == 1 ? 1 : Math.toIntExact(shape[1]);
    if (values.length != batch * width) {
      throw new IllegalArgumentException(
          "output has "
              + values.length
              + " values, its shape "
              + Arrays.toString(shape)
              + " says "
              + batch * width);
    }
    List<Object> answers = new ArrayList<>(batch);
    if (width == 1) {
      for (double value : values) {
        answers.add(new Score(value));
      }
      return answers;
    }
    List<String> names = labels;
    if (names.isEmpty()) {
      names = new ArrayList<>(width);
      for (int c = 0; c < width; c++) {
        names.add(String.valueOf(c));
      }
    } else if (names.size() != width) {
      throw new IllegalArgumentException(
          "the model gives " + width + " classes but " + names.size() + " labels are configured");
    }
    for (int row = 0; row < batch; row++) {
      List<Double> probabilities = new ArrayList<>(width);
      for (int c = 0; c < width; c++) {
        probabilities.add(values[row * width + c]);
      }
      answers.add(new ClassProbabilities(names, probabilities));
    }
    return answers;
  }
}
