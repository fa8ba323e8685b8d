package dev.gatestream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthProbeTest {

  private final HealthProbe probe = new HealthProbe(Duration.ofSeconds(5));

  @Test
  void readsTheStagesOfARunningProcess() {
    Map<String, String> stages = new LinkedHashMap<>();
    stages.put("router", "RUNNING");
    stages.put("expert gpt-4", "1 of 2 workers running");
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            "127.0.0.1",
            0,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () -> new MetricsEndpoint.StageHealth(stages, false))) {
      HealthProbe.Answer answer = probe.probe("127.0.0.1", endpoint.port());

      assertThat(answer.problem()).isNull();
      assertThat(answer.healthy()).isFalse();
      assertThat(answer.stages()).containsExactlyEntriesOf(stages);
    }
  }

  @Test
  void saysWhenNothingListens() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    HealthProbe.Answer answer = probe.probe("127.0.0.1", closed);

    assertThat(answer.healthy()).isFalse();
    assertThat(answer.problem()).startsWith("nothing listens");
  }
}
