package dev.gatestream.policy.evaluation;

/**
 * The candidate selects experts the logging policy could not have chosen, so the logs say nothing
 * about their rewards and no importance weight can make up for it. The message is one line.
 */
public final class UnsupportedCandidateException extends IllegalArgumentException {

  public UnsupportedCandidateException(String message) {
    super(message);
  }
}
