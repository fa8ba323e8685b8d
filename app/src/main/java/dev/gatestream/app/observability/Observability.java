package dev.gatestream.app.observability;

import dev.gatestream.config.GatestreamConfig;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The meters of one Gatestream process: a Prometheus registry with the JVM's own meters, served on
 * {@code metrics.host:metrics.port} unless the port is -1.
 */
public final class Observability implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private MetricsEndpoint endpoint;

  /**
   * @param service names the process in every series ({@code service="up"}, {@code
   *     service="router"})
   */
  public Observability(String service) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    for (MeterBinder binder :
        List.of(
            new JvmMemoryMetrics(),
            gc,
            new JvmThreadMetrics(),
            new ProcessorMetrics(),
            new UptimeMetrics())) {
      binder.bindTo(registry);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Starts serving /metrics and /health as configured; nothing when {@code metrics.port} is -1. */
  public Optional<MetricsEndpoint> serve(
      GatestreamConfig config, Supplier<MetricsEndpoint.StageHealth> health) {
    int port = config.getInt(GatestreamConfig.METRICS_PORT);
    if (port >= 0 && endpoint == null) {
      endpoint =
          MetricsEndpoint.start(
              config.getString(GatestreamConfig.METRICS_HOST), port, registry, health);
    }
    return Optional.ofNullable(endpoint);
  }

  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
    }
    gc.close();
    registry.close();
  }
}
