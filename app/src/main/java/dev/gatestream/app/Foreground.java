package dev.gatestream.app;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Keeps a started service running until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes it.
 */
public final class Foreground {

  private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);

  private Foreground() {}

  /**
   * Blocks until the JVM shuts down, or until {@code fatal} names a reason to stop, calling {@code
   * tick} every period meanwhile.
   *
   * @param fatal why the service cannot go on (a stage that stopped for good), empty while it can
   * @param tick e.g. reports the service's status
   * @return why the service cannot go on (the JVM's exit then closes it); empty when the JVM was
   *     asked to stop
   */
  public static Optional<String> run(
      AutoCloseable service, Duration every, Supplier<Optional<String>> fatal, Runnable tick)
      throws InterruptedException {
    CountDownLatch stopped = closeOnShutdown(service);
    while (!stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
      tick.run();
      Optional<String> reason = fatal.get();
      if (reason.isPresent()) {
        return reason;
      }
    }
    return Optional.empty();
  }

  /** Blocks until the JVM shuts down. */
  public static void run(AutoCloseable service) throws InterruptedException {
    closeOnShutdown(service).await();
  }

  private static CountDownLatch closeOnShutdown(AutoCloseable service) {
    exitZeroOnTerm();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (Exception e) {
                    LOG.warn("error while stopping", e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "gatestream-shutdown"));
    return stopped;
  }

  /**
   * SIGTERM is how podman, Kubernetes and systemd ask a service to stop: exit 0 once the shutdown
   * hooks have closed it, instead of the JVM's 143, so that a requested stop does not read as a
   * crash.
   */
  private static void exitZeroOnTerm() {
    try {
      Signal.handle(new Signal("TERM"), signal -> System.exit(0));
    } catch (IllegalArgumentException e) {
      LOG.debug("no SIGTERM on this platform: {}", e.getMessage());
    }
  }
}
