package dev.gatestream.streams.fusion.strategy;

import java.util.List;

/**
 * Normalizing expert weights; all-zero weights count as uniform, so fusion never divides by zero.
 */
final class Weights {

  private Weights() {}

  static double total(List<Answer> answers) {
    double total = 0;
    for (Answer answer : answers) {
      total += Math.max(0, answer.weight());
    }
    return total;
  }

  static double share(Answer answer, double total, int count) {
    return total > 0 ? Math.max(0, answer.weight()) / total : 1.0 / count;
  }
}
