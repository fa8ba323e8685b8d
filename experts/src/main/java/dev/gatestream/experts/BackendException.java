package dev.gatestream.experts;

/** A backend call that failed for the whole batch. */
public final class BackendException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  public BackendException(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  public BackendException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** Whether trying again later may succeed (timeouts, overload, 5xx), so the task is retried. */
  public boolean isTransient() {
    return transientFailure;
  }
}
