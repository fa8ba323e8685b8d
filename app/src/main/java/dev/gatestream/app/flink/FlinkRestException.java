package dev.gatestream.app.flink;

/**
 * A Flink REST call that failed: unreachable, or answered with an error; the message is one line.
 */
public final class FlinkRestException extends RuntimeException {

  public FlinkRestException(String message) {
    super(message);
  }

  public FlinkRestException(String message, Throwable cause) {
    super(message, cause);
  }
}
