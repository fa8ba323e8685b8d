package dev.gatestream.streams.router;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one router instance, shared by its tasks. */
public final class RouterMetrics {

  private final AtomicLong routed = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();

  void routed(int taskCount) {
    routed.incrementAndGet();
    tasks.addAndGet(taskCount);
  }

  void deadLetter() {
    deadLetters.incrementAndGet();
  }

  public long routed() {
    return routed.get();
  }

  public long tasks() {
    return tasks.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  @Override
  public String toString() {
    return "routed " + routed + " requests into " + tasks + " tasks, " + deadLetters + " dead letters";
  }
}
