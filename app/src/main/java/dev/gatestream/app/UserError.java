package dev.gatestream.app;

/** A problem the user can fix: wrong input or an environment that is not ready. One line. */
public final class UserError extends RuntimeException {

  public UserError(String message) {
    super(message);
  }
}
