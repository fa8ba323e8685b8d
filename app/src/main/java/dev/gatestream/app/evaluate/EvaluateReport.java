package dev.gatestream.app.evaluate;

import dev.gatestream.policy.evaluation.Evaluation;

/**
 * What an evaluation estimated, and on what.
 *
 * @param candidate the candidate policy as it was built (its gate, settings and weights)
 * @param confidence the level of the evaluation's intervals
 * @param seconds how long the evaluation took, reading included
 */
public record EvaluateReport(
    Source source, String candidate, double confidence, Evaluation evaluation, double seconds) {

  /**
   * What was read and how much of it is usable.
   *
   * @param results the range the chosen experts' results were read from; null for a decisions file
   * @param feedback the range the feedback was read from; null for a decisions file
   * @param decisionRecords the decision records read, unreadable ones included
   * @param unreadable decisions skipped because they could not be read or are not valid
   * @param firstUnreadable where the first of them is and why, null when there is none
   * @param duplicates decisions skipped because an earlier one had their request id
   * @param withFeedback decisions whose feedback was found
   */
  public record Source(
      String decisions,
      String results,
      String feedback,
      int decisionRecords,
      int unreadable,
      String firstUnreadable,
      int duplicates,
      int withFeedback) {}
}
