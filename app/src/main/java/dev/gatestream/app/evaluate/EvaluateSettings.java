package dev.gatestream.app.evaluate;

import dev.gatestream.policy.evaluation.Estimand;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to evaluate, on what, and how.
 *
 * @param decisions {@code kafka:TOPIC[@FROM..TO]} (a decisions topic), or a JSON Lines file written
 *     by an earlier evaluation's export
 * @param results where the chosen experts' results are ({@code kafka:TOPIC[@FROM..TO]}); null for
 *     the configured expert-results topic from shortly before the first decision read. Only with a
 *     topic.
 * @param feedback where the decisions' feedback is, alike
 * @param candidate the policy to estimate
 * @param weights a gate candidate's weights: {@code kafka} (the configured routing-weights topic),
 *     {@code kafka:TOPIC}, or a RoutingWeights JSON file; null for the gate's initial weights
 * @param bootstrapSamples resamples per confidence interval
 * @param confidence the intervals' level
 * @param seed of the folds and resamples
 * @param supportTolerance the largest share of the candidate's selection mass allowed on experts
 *     the logging policy could not choose
 * @param export also write the decisions read, joined with their feedback, to this file; null for
 *     none
 */
public record EvaluateSettings(
    String decisions,
    String results,
    String feedback,
    CandidateSpec candidate,
    String weights,
    Estimand estimand,
    int bootstrapSamples,
    double confidence,
    long seed,
    double supportTolerance,
    Path export) {

  public static final int DEFAULT_BOOTSTRAP_SAMPLES = 1000;
  public static final double DEFAULT_CONFIDENCE = 0.95;
  public static final long DEFAULT_SEED = 1;
  public static final double DEFAULT_SUPPORT_TOLERANCE = 0.001;

  public EvaluateSettings {
    Objects.requireNonNull(decisions, "decisions");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(estimand, "estimand");
  }

  /** The candidate on these decisions, with the default intervals and nothing else. */
  public static EvaluateSettings of(String decisions, CandidateSpec candidate) {
    return new EvaluateSettings(
        decisions,
        null,
        null,
        candidate,
        null,
        Estimand.TOTAL_REWARD,
        DEFAULT_BOOTSTRAP_SAMPLES,
        DEFAULT_CONFIDENCE,
        DEFAULT_SEED,
        DEFAULT_SUPPORT_TOLERANCE,
        null);
  }

  public EvaluateSettings withWeights(String weights) {
    return new EvaluateSettings(
        decisions,
        results,
        feedback,
        candidate,
        weights,
        estimand,
        bootstrapSamples,
        confidence,
        seed,
        supportTolerance,
        export);
  }

  public EvaluateSettings withExport(Path export) {
    return new EvaluateSettings(
        decisions,
        results,
        feedback,
        candidate,
        weights,
        estimand,
        bootstrapSamples,
        confidence,
        seed,
        supportTolerance,
        export);
  }
}
