package dev.gatestream.policy.lifecycle;

import dev.gatestream.policy.evaluation.Comparison;
import dev.gatestream.policy.evaluation.Estimate;
import java.util.Locale;

/**
 * Whether a candidate replaces production, on its doubly-robust comparison with production on the
 * production log: promoted when the lower confidence bound of candidate minus production exceeds
 * the margin, its importance weights' effective sample size reaches the minimum, enough of the log
 * was judged by feedback, and (with a ceiling) the upper bound of its mean cost is within the
 * ceiling. Refused when the logs' propensities cannot support it, when too little of the log was
 * judged, when its cost is over the ceiling, or when even the upper bound of the difference does
 * not exceed the margin; otherwise held for more evidence.
 *
 * @param margin what the lower bound of candidate − production must exceed, in reward units
 * @param minEffectiveSampleSize the least effective sample size of the candidate's weights
 * @param minCoverage the least share of logged decisions whose feedback judged every chosen expert
 * @param costCeiling the highest mean cost per request, USD, a candidate may have; 0 = none
 */
public record PromotionRule(
    double margin, double minEffectiveSampleSize, double minCoverage, double costCeiling) {

  /**
   * What the rule judges.
   *
   * @param decisions the logged production decisions read
   * @param judged of those, the ones whose feedback judged every chosen expert
   * @param comparison the candidate against production on them; null when the logs cannot support
   *     the candidate
   * @param unsupported why the logs cannot support the candidate (the evaluator's refusal); null
   *     when they can
   */
  public record Evidence(int decisions, int judged, Comparison comparison, String unsupported) {

    public double coverage() {
      return decisions == 0 ? 0 : (double) judged / decisions;
    }
  }

  public PromotionRule {
    if (!(minCoverage >= 0 && minCoverage <= 1)) {
      throw new IllegalArgumentException("coverage must be in [0, 1], got " + minCoverage);
    }
    if (!(costCeiling >= 0) || !(minEffectiveSampleSize >= 0) || !Double.isFinite(margin)) {
      throw new IllegalArgumentException(
          "margin must be finite, the ESS minimum and the cost ceiling >= 0");
    }
  }

  public Verdict judge(Evidence evidence) {
    if (evidence.unsupported() != null) {
      return refuse("the production log cannot support the candidate: " + evidence.unsupported());
    }
    if (evidence.coverage() < minCoverage) {
      return refuse(
          format(
              "feedback judged %d of %d decisions (%.1f%%), less than %.1f%%: too little to judge by",
              evidence.judged(),
              evidence.decisions(),
              100 * evidence.coverage(),
              100 * minCoverage));
    }
    Comparison comparison = evidence.comparison();
    Estimate difference = comparison.reward();
    double ess = comparison.candidate().effectiveSampleSize();
    String interval =
        format(
            "candidate − production %+.4f [%+.4f, %+.4f], ESS %.0f",
            difference.value(), difference.lower(), difference.upper(), ess);
    Estimate cost = comparison.candidate().cost().doublyRobust();
    if (costCeiling > 0 && cost.upper() > costCeiling) {
      return refuse(
          format(
              "its cost per request reaches %.5f USD (upper bound), over the ceiling %.5f; %s",
              cost.upper(), costCeiling, interval));
    }
    if (difference.upper() <= margin) {
      return refuse(
          format("%s: even the upper bound is not above the margin %+.4f", interval, margin));
    }
    if (ess < minEffectiveSampleSize) {
      return hold(format("%s: ESS below %.0f", interval, minEffectiveSampleSize));
    }
    if (difference.lower() <= margin) {
      return hold(
          format("%s: the lower bound is not above the margin %+.4f yet", interval, margin));
    }
    return new Verdict(
        Verdict.Outcome.ACT,
        format("%s: the lower bound clears the margin %+.4f", interval, margin));
  }

  private static Verdict refuse(String reason) {
    return new Verdict(Verdict.Outcome.REFUSE, reason);
  }

  private static Verdict hold(String reason) {
    return new Verdict(Verdict.Outcome.HOLD, reason);
  }

  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
