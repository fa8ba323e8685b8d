package dev.gatestream.gateway.client;

/** A request was sent under the id of one still in flight: its result could not be told apart. */
public final class DuplicateRequestException extends IllegalStateException {

  public DuplicateRequestException(String requestId) {
    super("a request with id '" + requestId + "' is already in flight");
  }
}
