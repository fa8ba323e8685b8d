package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline past its capacity: slow experts, short deadlines, and requests that arrive after
 * theirs. Whatever the load, every request comes out once, fused, partial or TIMEOUT, by its
 * deadline plus grace: none is lost.
 */
@ExtendWith(GatestreamStackExtension.class)
class OverloadIT {

  private static final int EXPERTS = 4;
  // Top-2 of 4 experts that answer one task at a time in 50 ms: about 40 requests/s.
  private static final int REQUESTS = 500;
  private static final int ALREADY_EXPIRED = 100;
  private static final int WARM_UP = 10;
  private static final long ANSWER_MS = 50;
  private static final Duration DEADLINE = Duration.ofSeconds(2);
  // Room for a stage that a loaded 2-core machine stalls for seconds (GC, a slow transaction
  // coordinator): the bound is what matters, that every request comes out, not never.
  private static final Duration GRACE = Duration.ofSeconds(15);

  private final StackEndpoints stack;

  OverloadIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  // The load itself takes under a minute; starting a pipeline on a loaded machine may take another.
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void pastCapacityEveryRequestComesOutByItsDeadlinePlusGrace(@TempDir Path dir) throws Exception {
    int total = REQUESTS + ALREADY_EXPIRED;
    Map<String, String> settings = new HashMap<>();
    settings.put(GatestreamConfig.EXPERTS_FILE, slowExperts(dir, total + WARM_UP).toString());
    settings.put(GatestreamConfig.FUSION_GRACE_MS, String.valueOf(GRACE.toMillis()));
    try (PipelineFixture fixture =
        new PipelineFixture(stack, dir, EXPERTS, total + WARM_UP, settings)) {
      // Cold start is not overload: the stages' first transactions and schema lookups come first.
      fixture.sendRequests(total, total + WARM_UP, Duration.ofSeconds(60));
      List<FusedResult> warm = new ArrayList<>();
      Await.untilTrue(
          "the warm-up's results",
          Duration.ofSeconds(60),
          () -> {
            warm.addAll(fixture.pollResults());
            return warm.size() >= WARM_UP;
          });
      fixture.sendRequests(0, REQUESTS, DEADLINE);
      // Requests whose deadline passed before the router could see them.
      fixture.sendRequests(REQUESTS, total, Duration.ofMillis(-1));

      Map<String, FusedResult> byId = new HashMap<>();
      List<FusedResult> all = new ArrayList<>();
      Await.untilTrue(
          "a fused result for each of the " + total + " requests",
          DEADLINE.plus(GRACE).plusSeconds(40),
          () -> {
            for (FusedResult result : fixture.pollResults()) {
              all.add(result);
              byId.put(result.getRequestId(), result);
            }
            return byId.size() >= total;
          });
      Await.untilTrue(
          "the reader at the end of the fused results",
          Duration.ofSeconds(30),
          () -> {
            all.addAll(fixture.pollResults());
            return fixture.readToEnd();
          });

      assertThat(byId.keySet())
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, total).mapToObj(i -> "r" + i).toList());
      assertThat(all).as("exactly once each").hasSize(total);
      for (FusedResult result : all) {
        boolean expired = Integer.parseInt(result.getRequestId().substring(1)) >= REQUESTS;
        long createdAt = result.getEmittedAtMs() - result.getLatencyMs();
        long deadline = createdAt + (expired ? -1 : DEADLINE.toMillis());
        assertThat(result.getEmittedAtMs())
            .as("%s emitted by its deadline plus grace", result.getRequestId())
            .isLessThanOrEqualTo(deadline + GRACE.toMillis());
      }
      Map<Completeness, Long> outcomes =
          all.stream()
              .collect(Collectors.groupingBy(FusedResult::getCompleteness, Collectors.counting()));
      // Past capacity: most requests ran out of time (TIMEOUT or PARTIAL, or FAILED when the
      // experts reported their calls cut short by the deadline before fusion emitted), and those
      // that came too late were answered.
      assertThat(all.size() - outcomes.getOrDefault(Completeness.COMPLETE, 0L))
          .isGreaterThan(REQUESTS / 2);
      assertThat(
              IntStream.range(REQUESTS, total)
                  .mapToObj(i -> byId.get("r" + i).getCompleteness())
                  .collect(Collectors.toSet()))
          .containsExactly(Completeness.TIMEOUT);
    }
  }

  /**
   * An experts file of replay experts that really take {@link #ANSWER_MS} per task, one at a time:
   * the fixture's experts, from a log with a latency column each.
   */
  private static Path slowExperts(Path dir, int rows) throws Exception {
    List<String> names =
        IntStream.range(0, EXPERTS).mapToObj(i -> "org" + i + "/model-" + i + ".5b").toList();
    Path log = dir.resolve("slow.csv");
    SyntheticRoutingLog.write(log, names, rows, "r", 7);
    List<String> lines = Files.readAllLines(log);
    String latencyHeader =
        names.stream()
            .map(name -> name + WideRoutingLog.LATENCY_SUFFIX)
            .collect(Collectors.joining(","));
    String latencies =
        names.stream().map(name -> String.valueOf(ANSWER_MS)).collect(Collectors.joining(","));
    List<String> slow = new ArrayList<>();
    slow.add(lines.get(0) + "," + latencyHeader);
    lines.subList(1, lines.size()).forEach(line -> slow.add(line + "," + latencies));
    Files.write(log, slow);
    String experts =
        names.stream()
            .map(
                name ->
                    "{\"name\": \""
                        + name
                        + "\", \"backend\": \"replay\", \"concurrency\": 1, \"batchSize\": 1,"
                        + " \"settings\": {\"log\": \"slow.csv\", \"answer\": \"score\","
                        + " \"latencyScale\": 1}}")
            .collect(Collectors.joining(",\n", "[", "]"));
    Path file = dir.resolve("slow-experts.json");
    Files.writeString(file, experts);
    return file;
  }
}
