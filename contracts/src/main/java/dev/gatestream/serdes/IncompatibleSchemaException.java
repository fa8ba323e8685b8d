package dev.gatestream.serdes;

/** The registry rejected a schema because it breaks the subject's compatibility rule. */
public final class IncompatibleSchemaException extends RegistryException {

  private final String subject;

  public IncompatibleSchemaException(String subject, String registryMessage) {
    super(
        "schema for subject '"
            + subject
            + "' is incompatible with the registered versions: "
            + registryMessage);
    this.subject = subject;
  }

  public String subject() {
    return subject;
  }
}
