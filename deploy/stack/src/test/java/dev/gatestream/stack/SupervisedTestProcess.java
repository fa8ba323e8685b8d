package dev.gatestream.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** What {@link ProcessSupervisorTest} supervises: a JVM that does one thing its arguments say. */
public final class SupervisedTestProcess {

  private SupervisedTestProcess() {}

  /**
   * {@code ready FILE}: create FILE, then wait to be stopped. {@code stubborn FILE}: the same, but
   * a shutdown hook that never returns makes SIGTERM useless. {@code env VARIABLE FILE}: write the
   * variable's value to FILE, then wait. {@code exit CODE}: exit at once with CODE.
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "exit" -> System.exit(Integer.parseInt(args[1]));
      case "ready" -> Files.writeString(Path.of(args[1]), "ready");
      case "stubborn" -> {
        Runtime.getRuntime().addShutdownHook(new Thread(SupervisedTestProcess::waitForever));
        Files.writeString(Path.of(args[1]), "ready");
      }
      case "env" -> Files.writeString(Path.of(args[2]), String.valueOf(System.getenv(args[1])));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    waitForever();
  }

  private static void waitForever() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
