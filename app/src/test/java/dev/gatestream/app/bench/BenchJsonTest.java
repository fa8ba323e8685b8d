package dev.gatestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchJsonTest {

  @Test
  void theFirstProfileAtTheTopAndEveryProfileUnderProfiles(@TempDir Path dir) throws Exception {
    BenchReport exactlyOnce = report("exactly-once", 40_000, 8_000, 45);
    BenchReport lowLatency = report("low-latency", 50_000, 12_000, 20);
    Path file = dir.resolve("bench.json");

    BenchJson.write(List.of(exactlyOnce, lowLatency), file);

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.at("/pipeline/burstPerSecond").asDouble()).isEqualTo(8_000);
    assertThat(json.at("/raw/burstPerSecond").asDouble()).isEqualTo(40_000);
    assertThat(json.at("/ratio").asDouble()).isEqualTo(0.2);
    assertThat(json.at("/pipeline/p99Ms").asLong()).isEqualTo(45);
    assertThat(json.at("/steadyRatePerSecond").asInt()).isEqualTo(2_000);
    assertThat(json.at("/raw/p99Ms").asLong()).isEqualTo(3);
    assertThat(json.at("/pipeline/recordsPerRequest/tasks").asDouble()).isEqualTo(2.0);
    assertThat(json.at("/profiles/exactly-once/ratio").asDouble()).isEqualTo(0.2);
    assertThat(json.at("/profiles/low-latency/pipeline/p99Ms").asLong()).isEqualTo(20);
    assertThat(json.at("/profiles/low-latency/ratio").asDouble()).isEqualTo(0.24);
  }

  @Test
  void aMissingRatioIsNull() {
    BenchReport report =
        new BenchReport("exactly-once", 4, 4, 2, 1000, 2000, 10, List.of(chain("pipeline", 1, 1)));

    assertThat(BenchJson.of(List.of(report)).get("ratio").isNull()).isTrue();
  }

  private static BenchReport report(String profile, double raw, double pipeline, long p99) {
    return new BenchReport(
        profile,
        4,
        4,
        2,
        20_000,
        2_000,
        10,
        List.of(chain(BenchReport.RAW, raw, 3), chain(BenchReport.PIPELINE, pipeline, p99)));
  }

  private static BenchReport.ChainResult chain(String name, double burstPerSecond, long p99) {
    return new BenchReport.ChainResult(
        name,
        burstPerSecond,
        1,
        1,
        1,
        new BenchReport.Percentiles(1, 2, p99, p99 + 1, p99 + 2),
        Map.of("tasks", 2.0));
  }
}
