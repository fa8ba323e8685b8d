package dev.gatestream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.UserError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(MetricsEndpoint endpoint, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheRegistryAndTheStagesHealth() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("gatestream.router.requests").register(registry).increment(3);
    AtomicBoolean routerUp = new AtomicBoolean(true);
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            "127.0.0.1",
            0,
            registry,
            () ->
                new MetricsEndpoint.StageHealth(
                    Map.of("router", routerUp.get() ? "RUNNING" : "ERROR"), routerUp.get()))) {
      HttpResponse<String> metrics = get(endpoint, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("gatestream_router_requests_total 3.0");

      assertThat(get(endpoint, "/health").statusCode()).isEqualTo(200);
      routerUp.set(false);
      HttpResponse<String> down = get(endpoint, "/health");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"router\":\"ERROR\"").contains("\"healthy\":false");
    }
  }

  @Test
  void aPortInUseIsOneLineThatSaysWhatToSet() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsEndpoint first =
        MetricsEndpoint.start(
            "127.0.0.1", 0, registry, () -> new MetricsEndpoint.StageHealth(Map.of(), true))) {
      assertThatThrownBy(
              () ->
                  MetricsEndpoint.start(
                      "127.0.0.1",
                      first.port(),
                      registry,
                      () -> new MetricsEndpoint.StageHealth(Map.of(), true)))
          .isInstanceOf(UserError.class)
          .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + first.port())
          .hasMessageEndingWith("give each process its own metrics.port, or -1 for none");
    }
  }
}
