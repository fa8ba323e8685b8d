package dev.gatestream.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a started service running until the JVM is asked to stop (Ctrl-C), then closes it. */
public final class Foreground {

  private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);

  private Foreground() {}

  /**
   * Blocks until the JVM shuts down, calling {@code tick} every period meanwhile.
   *
   * @param tick e.g. reports the service's status
   */
  public static void run(AutoCloseable service, Duration every, Runnable tick)
      throws InterruptedException {
    CountDownLatch stopped = closeOnShutdown(service);
    while (!stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
      tick.run();
    }
  }

  /** Blocks until the JVM shuts down. */
  public static void run(AutoCloseable service) throws InterruptedException {
    closeOnShutdown(service).await();
  }

  private static CountDownLatch closeOnShutdown(AutoCloseable service) {
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
}
