package dev.gatestream.policy.learning;

/**
 * What the adaptation job needs of an ExpertResult: the answer reduced to what a label is compared
 * with (text or argmax class as {@code answer}, a score as {@code score}).
 *
 * @param ok whether the expert answered (status OK)
 * @param kind which of answer and score carry the output
 */
public record ResultEvent(
    String requestId,
    String expert,
    boolean ok,
    AnswerKind kind,
    String answer,
    double score,
    double cost,
    long completedAtMs) {

  /** The shape of an expert's output. */
  public enum AnswerKind {
    NONE,
    TEXT,
    CLASS,
    SCORE
  }
}
