package dev.gatestream.it.harness;

/**
 * Stops and starts the processes of the test stack, for tests of what survives an outage. Only a
 * stack this JVM started has it ({@link EphemeralLocalStack}); ask for it as a test parameter.
 */
public interface StackOutages {

  /** Stops the schema registry (SIGTERM, then a kill) and returns once it has exited. */
  void stopRegistry();

  /** Stops the broker (SIGTERM, then a kill) and returns once it has exited. */
  void stopBroker();

  /**
   * Starts again whatever was stopped, with its data as it was, and returns once it is ready: the
   * same ports, so that clients find it again by themselves.
   */
  void restart();
}
