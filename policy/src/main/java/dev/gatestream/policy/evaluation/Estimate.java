package dev.gatestream.policy.evaluation;

/**
 * One estimator's estimate with its percentile bootstrap confidence interval.
 *
 * @param standardError the standard deviation of the bootstrap replicates
 */
public record Estimate(double value, double lower, double upper, double standardError) {

  public double width() {
    return upper - lower;
  }
}
