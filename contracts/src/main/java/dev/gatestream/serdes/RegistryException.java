package dev.gatestream.serdes;

/** The schema registry refused a request or could not be reached; the message is one line. */
public class RegistryException extends RuntimeException {

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
