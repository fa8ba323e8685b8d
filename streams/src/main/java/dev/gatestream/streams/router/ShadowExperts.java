package dev.gatestream.streams.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The shadow experts of one router instance: which of them a request is also sent to (each its
 * sample rate, of its tasks), within a spend limit counted apart from production spend, at each
 * shadow's price per call. Shared by the instance's tasks, so the limit holds per instance.
 */
public final class ShadowExperts {

  public static final String TASKS = "gatestream.router.shadow.tasks";
  public static final String SPEND = "gatestream.router.shadow.spend";
  public static final String CAPPED = "gatestream.router.shadow.capped";

  /**
   * One shadow expert.
   *
   * @param rate the probability with which a request of its tasks is also sent to it
   * @param tasks the task labels it samples; empty = every request
   * @param pricePerCall USD per call, what its spend is counted at
   */
  public record Shadow(String expert, double rate, List<String> tasks, double pricePerCall) {
    public Shadow {
      if (!(rate > 0 && rate <= 1)) {
        throw new IllegalArgumentException(
            "shadow expert " + expert + ": rate must be in (0, 1], got " + rate);
      }
      tasks = List.copyOf(tasks);
    }

    boolean covers(String task) {
      return tasks.isEmpty() || (task != null && tasks.contains(task));
    }
  }

  private final List<Shadow> shadows;
  private final double spendLimit;
  private double spent;
  private final Map<String, Counter> sent = new ConcurrentHashMap<>();
  private MeterRegistry registry;
  private Counter capped;

  /**
   * @param spendLimit most this instance spends on shadow calls, USD (router.shadow.spend.limit)
   */
  public ShadowExperts(List<Shadow> shadows, double spendLimit) {
    this.shadows = List.copyOf(shadows);
    this.spendLimit = spendLimit;
  }

  public static ShadowExperts none() {
    return new ShadowExperts(List.of(), 0);
  }

  public List<Shadow> shadows() {
    return shadows;
  }

  /** Registers the shadow meters: tasks sent per expert, spend so far, samples refused by cap. */
  public ShadowExperts meteredOn(MeterRegistry meters) {
    this.registry = meters;
    Gauge.builder(SPEND, this, ShadowExperts::spent)
        .description("What shadow experts were sent, USD at their price per call")
        .baseUnit("usd")
        .strongReference(true)
        .register(meters);
    capped =
        Counter.builder(CAPPED)
            .description("Shadow samples not sent because router.shadow.spend.limit was reached")
            .register(meters);
    return this;
  }

  /**
   * The shadows this request is also sent to; each is counted against the spend limit.
   *
   * @param production the experts the deciding gate may choose: a shadow promoted among them is
   *     production's now, and no longer sampled
   */
  synchronized List<Shadow> sample(String task, Set<String> production, RandomGenerator random) {
    if (shadows.isEmpty()) {
      return List.of();
    }
    List<Shadow> sampled = new ArrayList<>(1);
    for (Shadow shadow : shadows) {
      if (production.contains(shadow.expert())
          || !shadow.covers(task)
          || random.nextDouble() >= shadow.rate()) {
        continue;
      }
      if (spent + shadow.pricePerCall() > spendLimit) {
        if (capped != null) {
          capped.increment();
        }
        continue;
      }
      spent += shadow.pricePerCall();
      sampled.add(shadow);
      if (registry != null) {
        sent.computeIfAbsent(
                shadow.expert(),
                expert ->
                    Counter.builder(TASKS)
                        .description("Requests also sent to a shadow expert")
                        .tag("expert", expert)
                        .register(registry))
            .increment();
      }
    }
    return sampled;
  }

  /** What this instance has sent its shadows, USD. */
  public synchronized double spent() {
    return spent;
  }
}
