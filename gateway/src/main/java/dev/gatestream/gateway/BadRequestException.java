package dev.gatestream.gateway;

/** A request body the gateway refuses; the message is the one-line reason given to the client. */
public final class BadRequestException extends Exception {

  public BadRequestException(String message) {
    super(message);
  }
}
