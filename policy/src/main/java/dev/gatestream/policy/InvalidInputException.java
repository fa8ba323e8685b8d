package dev.gatestream.policy;

/**
 * A request the routing logic cannot use; the message is the one-line reason a dead letter carries.
 */
public final class InvalidInputException extends RuntimeException {

  public InvalidInputException(String reason) {
    super(reason);
  }
}
