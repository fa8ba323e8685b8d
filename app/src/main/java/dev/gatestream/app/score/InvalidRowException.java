package dev.gatestream.app.score;

/** Why an input record cannot be scored: the reason that goes to the rejects file. */
public final class InvalidRowException extends RuntimeException {

  public InvalidRowException(String reason) {
    super(reason, null, false, false);
  }
}
