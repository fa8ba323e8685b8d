package dev.gatestream.gateway;

import dev.gatestream.contracts.Completeness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's meters, scraped in Prometheus text format from {@code GET /metrics}. */
public final class GatewayMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger inFlight;
  private final Timer latency;

  public GatewayMetrics(String instanceId) {
    registry.config().commonTags("instance_id", instanceId);
    inFlight = registry.gauge("gatestream.gateway.in.flight", new AtomicInteger());
    latency =
        Timer.builder("gatestream.gateway.request.latency")
            .description("Time from receiving an inference request to answering it")
            .publishPercentileHistogram()
            .register(registry);
  }

  AtomicInteger inFlight() {
    return inFlight;
  }

  /** One answered {@code /v1/infer} call, by HTTP status. */
  void answered(int status, Duration took) {
    Counter.builder("gatestream.gateway.requests")
        .description("Inference requests answered, by HTTP status")
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
    latency.record(took);
  }

  /** One fused result that reached a waiting caller, by completeness. */
  void result(Completeness completeness) {
    Counter.builder("gatestream.gateway.results")
        .description("Fused results delivered to callers, by completeness")
        .tag("completeness", completeness.name())
        .register(registry)
        .increment();
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
