package dev.gatestream.it.harness;

/** A running stack for the tests of one JVM, whatever its kind. */
interface TestStack extends AutoCloseable {

  StackEndpoints endpoints();

  /** One line for the log: mode and where. */
  String describe();

  /** Stops what this JVM started (nothing for an external cluster). */
  @Override
  void close();
}
