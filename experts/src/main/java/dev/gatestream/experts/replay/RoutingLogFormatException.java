package dev.gatestream.experts.replay;

/** A wide routing log that breaks its format; the message names the source and line. */
public final class RoutingLogFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RoutingLogFormatException(String source, long line, String problem) {
    super(source + " line " + line + ": " + problem);
  }

  RoutingLogFormatException(String source, long line, String problem, Throwable cause) {
    super(source + " line " + line + ": " + problem, cause);
  }
}
