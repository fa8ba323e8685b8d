package dev.gatestream.stack;

/**
 * A stack operation failed; the message is ONE line naming the problem (and where to look, if
 * anywhere).
 */
public class StackException extends Exception {

  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
