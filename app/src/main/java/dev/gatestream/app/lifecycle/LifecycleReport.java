package dev.gatestream.app.lifecycle;

import dev.gatestream.policy.evaluation.Comparison;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.policy.evaluation.Evaluation;
import dev.gatestream.policy.lifecycle.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code gatestream policy report} says: the candidate against production on the production
 * log (the promotion rule's verdict), the canary against production live (the guardrail's), and
 * each shadow expert against each production expert on the same requests.
 *
 * @param decisions production-log decisions read
 * @param judged of those, the ones feedback judged every chosen expert of
 * @param comparison the candidate's comparison; null without a candidate, or when the log cannot
 *     support it or nothing was judged yet
 * @param promotion the promotion rule's verdict; null without a candidate
 * @param canary the guardrail's verdict; null when the candidate served no canary request
 * @param canaryOutcomes the candidate judged on the requests its canary served, with the
 *     propensities it logged for them: the same estimator, estimand and reward as {@code
 *     comparison.candidate()} on the production log; null when it served none
 */
public record LifecycleReport(
    String production,
    String candidate,
    int decisions,
    int judged,
    Comparison comparison,
    Verdict promotion,
    Verdict canary,
    Evaluation canaryOutcomes,
    List<ShadowRow> shadows,
    List<ShadowVerdict> shadowVerdicts) {

  /**
   * A shadow expert judged for promotion to production, by the promotion rule on its comparison
   * with production on the requests it shadowed.
   *
   * @param sampled the requests it was sent
   * @param judged of those, the ones feedback judged it and production's choice on
   * @param comparison the shadow (always chosen) against production; null before anything was
   *     judged
   */
  public record ShadowVerdict(
      String shadow, int sampled, int judged, Comparison comparison, Verdict verdict) {

    /** The verdict's reason, with the comparison's figures. */
    public String reason() {
      return verdict.reason();
    }
  }

  /**
   * One shadow expert against one production expert on the requests both answered and feedback
   * judged.
   *
   * @param difference shadow minus production expert, mean quality, with its interval
   */
  public record ShadowRow(
      String shadow,
      String against,
      long requests,
      double shadowQuality,
      double againstQuality,
      double shadowCost,
      Estimate difference) {}

  /** The report as the command prints it. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        format(
            "production %s: %,d decisions read, %,d judged by feedback",
            production, decisions, judged));
    if (candidate == null) {
      lines.add("no candidate policy (router.candidate.policy)");
    } else {
      lines.add("candidate " + candidate + ":");
      if (comparison != null) {
        lines.add(
            "  on the production log: doubly robust reward  candidate "
                + interval(comparison.candidate().doublyRobust())
                + "  production "
                + interval(comparison.production().doublyRobust()));
        lines.add(
            "  candidate − production  reward "
                + interval(comparison.reward())
                + "  quality "
                + interval(comparison.quality())
                + "  cost "
                + interval(comparison.cost()));
        lines.add(
            format(
                "  effective sample size %.0f of %,d, max weight %.2f",
                comparison.candidate().effectiveSampleSize(),
                comparison.candidate().used(),
                comparison.candidate().maxWeight()));
      }
      if (canaryOutcomes != null) {
        lines.add(
            format(
                "  on its canary's own %,d outcomes: doubly robust reward  candidate %s",
                canaryOutcomes.used(), interval(canaryOutcomes.doublyRobust())));
      }
      lines.add("  promotion: " + verdict(promotion));
      if (canary != null) {
        lines.add("  canary: " + verdict(canary));
      }
    }
    for (ShadowVerdict one : shadowVerdicts) {
      lines.add(
          format(
              "shadow %s vs production on %,d of the %,d requests it shadowed: promotion %s",
              one.shadow(), one.judged(), one.sampled(), verdict(one.verdict())));
    }
    for (ShadowRow row : shadows) {
      lines.add(
          format(
              "shadow %s vs %s on %,d requests: quality %.4f vs %.4f, difference %s; its cost %.5f USD/request",
              row.shadow(),
              row.against(),
              row.requests(),
              row.shadowQuality(),
              row.againstQuality(),
              interval(row.difference()),
              row.shadowCost()));
    }
    return lines;
  }

  private static String verdict(Verdict verdict) {
    return switch (verdict.outcome()) {
          case ACT -> "yes";
          case HOLD -> "not yet";
          case REFUSE -> "refused";
        }
        + " — "
        + verdict.reason();
  }

  static String interval(Estimate estimate) {
    return format("%+.4f [%+.4f, %+.4f]", estimate.value(), estimate.lower(), estimate.upper());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
