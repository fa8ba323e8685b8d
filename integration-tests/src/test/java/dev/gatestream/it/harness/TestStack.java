package dev.gatestream.it.harness;

import java.util.Optional;

/** A running stack for the tests of one JVM, whatever its kind. */
interface TestStack extends AutoCloseable {

  StackEndpoints endpoints();

  /** Stops and starts its processes; empty for a stack this JVM cannot stop. */
  default Optional<StackOutages> outages() {
    return Optional.empty();
  }

  /** One line for the log: mode and where. */
  String describe();

  /** Stops what this JVM started (nothing for an external cluster). */
  @Override
  void close();
}
