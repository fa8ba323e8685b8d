package dev.gatestream.serdes;

/**
 * The registry stayed unreachable (or kept failing) for the whole retry budget of one record: the
 * record is not at fault, so it must be retried later, never dead-lettered ({@link
 * TransientFailures}).
 */
public final class RegistryUnavailableException extends RegistryException {

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
