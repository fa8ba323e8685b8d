package dev.gatestream.cli;

/** A problem the user can fix: wrong input or an environment that is not ready. One line. */
final class UserError extends RuntimeException {

  UserError(String message) {
    super(message);
  }
}
