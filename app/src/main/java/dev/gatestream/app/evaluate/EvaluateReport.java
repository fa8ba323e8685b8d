package dev.gatestream.app.evaluate;

import dev.gatestream.policy.cascade.CascadeEvaluation;
import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.evaluation.Evaluation;
import java.util.List;

/**
 * What an evaluation estimated, and on what.
 *
 * @param candidate the candidate policy as it was built (its gate, settings and weights)
 * @param confidence the level of the evaluation's intervals
 * @param seconds how long the evaluation took, reading included
 */
public record EvaluateReport(
    Source source,
    String candidate,
    double confidence,
    Evaluation evaluation,
    double seconds,
    Cascades cascades) {

  /** A report on logs without cascade decisions. */
  public EvaluateReport(
      Source source, String candidate, double confidence, Evaluation evaluation, double seconds) {
    this(source, candidate, confidence, evaluation, seconds, null);
  }

  /**
   * How the logged cascade did and what other thresholds would have done, from its logged
   * escalation decisions and their propensities.
   *
   * @param decisions decisions made by a cascade
   * @param withEscalations of those, the ones whose escalation decisions were found (in the fused
   *     results)
   * @param logged the logged rule as it ran (its threshold and exploration)
   * @param loggedEstimate the logged rule's own estimate: its mean on the judged requests
   * @param thresholds the same cascade without exploration at other thresholds
   */
  public record Cascades(
      int decisions,
      int withEscalations,
      CascadeRule logged,
      CascadeEvaluation.Estimate loggedEstimate,
      List<CascadeEvaluation.Estimate> thresholds) {}

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
