package dev.gatestream.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One process of the local stack: what it needs before it starts, how it starts, and when it is
 * ready.
 */
interface StackComponent {

  /** The supervisor of its process (pid file, logs, start, stop). */
  ProcessSupervisor process();

  /** Where clients reach it. */
  String endpoint();

  /** The port whose listener {@code status} reports. */
  int port();

  /** Fails, naming what is missing, unless it is built and its ports are free. Changes nothing. */
  void checkStartable() throws StackException;

  /** Writes what it is configured with and starts it; returns at once, before it is ready. */
  ProcessHandle start() throws StackException;

  /** Whether it serves requests, decided within {@code budget}. */
  boolean ready(Duration budget);

  /** The one-line "not built" error, the artifact shown relative to the project root. */
  static StackException notBuilt(
      StackSettings settings, String what, Path artifact, String howToBuild) {
    Path shown =
        artifact.startsWith(settings.home()) ? settings.home().relativize(artifact) : artifact;
    return new StackException(what + ": " + shown + " (run: " + howToBuild + ")");
  }
}
