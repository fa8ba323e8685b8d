package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.streams.common.DeadLetterMeters;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FusionTopologyTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final long DEADLINE = NOW + 1_000;

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FusionMetrics metrics = new FusionMetrics(meters);
  private TopologyTestDriver driver;
  private TestInputTopic<String, RoutingDecision> decisions;
  private TestInputTopic<String, ExpertResult> results;
  private TestInputTopic<String, byte[]> rawResults;
  private TestOutputTopic<String, FusedResult> fused;

  private void start(int quorum) {
    FusionSettings settings = new FusionSettings(quorum, Duration.ofSeconds(5), Duration.ofMillis(10), "auto",
        FusionSettings.Weights.GATE, List.of());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fusion-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(FusionTopology.build(topics, serdes, settings, new ExpertReliability("p"), metrics), props,
        Instant.ofEpochMilli(NOW));
    decisions = driver.createInputTopic(topics.decisions().name(), Serdes.String().serializer(),
        serdes.valueSerde(topics.decisions()).serializer());
    results = driver.createInputTopic(topics.expertResults().name(), Serdes.String().serializer(),
        serdes.valueSerde(topics.expertResults()).serializer());
    rawResults = driver.createInputTopic(topics.expertResults().name(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer());
    fused = driver.createOutputTopic(topics.fusedResults().name(), Serdes.String().deserializer(),
        serdes.valueSerde(topics.fusedResults()).deserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  private static RoutingDecision decision(String id, String replyTo, String... experts) {
    List<ChosenExpert> chosen = java.util.Arrays.stream(experts)
        .map(expert -> new ChosenExpert(expert, expert.equals("a") ? 0.75 : 0.25, 1.0)).toList();
    return RoutingDecision.newBuilder().setRequestId(id).setPolicy("p").setPolicyVersion(4).setChosen(chosen)
        .setDeadlineMs(DEADLINE).setRequestCreatedAtMs(NOW - 100).setDecidedAtMs(NOW).setReplyTo(replyTo)
        .setAttributes(Map.of("tenant", "acme")).build();
  }

  private static ExpertResult ok(String id, String expert, double score) {
    return ExpertResult.newBuilder().setRequestId(id).setExpert(expert).setStatus(ResultStatus.OK)
        .setOutput(new Score(score)).setLatencyMs(10).setCost(0.01).setCompletedAtMs(NOW).build();
  }

  private static ExpertResult failed(String id, String expert) {
    return ExpertResult.newBuilder().setRequestId(id).setExpert(expert).setStatus(ResultStatus.ERROR)
        .setErrorMessage("HTTP 503").setLatencyMs(10).setCost(0.0).setCompletedAtMs(NOW).build();
  }

  @Test
  void emitsOnceEveryChosenExpertAnswered() {
    start(0);
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    results.pipeInput("r1", ok("r1", "a", 1.0));
    assertThat(fused.isEmpty()).isTrue();
    results.pipeInput("r1", ok("r1", "b", 0.0));

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE);
    assertThat(((Score) result.getOutput()).getValue()).isEqualTo(0.75);
    assertThat(result.getStrategy()).isEqualTo("weighted-mean");
    assertThat(result.getContributors()).containsExactly("a", "b");
    assertThat(result.getTotalCost()).isEqualTo(0.02);
    assertThat(result.getLatencyMs()).isEqualTo(100);
    assertThat(result.getPolicyVersion()).isEqualTo(4);
    assertThat(result.getAttributes()).containsEntry("tenant", "acme");
    assertThat(fused.isEmpty()).isTrue();

    assertThat(results("COMPLETE")).isEqualTo(1);
    assertThat(results("PARTIAL")).isZero();
    Timer latency = meters.get(FusionMetrics.EMIT_LATENCY).timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
  }

  @Test
  void pendingCountsRequestsWithADecisionAndNoFusedResultYet() {
    start(0);
    Gauge pending = meters.get(FusionMetrics.PENDING).gauge();
    results.pipeInput("r2", ok("r2", "a", 1.0)); // no decision yet: not a pending request
    assertThat(pending.value()).isZero();
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    decisions.pipeInput("r2", decision("r2", null, "a", "b"));
    decisions.pipeInput("r2", decision("r2", null, "a", "b")); // twice: still one
    assertThat(pending.value()).isEqualTo(2);

    results.pipeInput("r1", ok("r1", "a", 1.0));
    results.pipeInput("r1", ok("r1", "b", 1.0));
    assertThat(pending.value()).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofMillis(1_050)); // r2's deadline

    assertThat(pending.value()).isZero();
    assertThat(metrics.pending()).isZero();
    assertThat(results("COMPLETE")).isEqualTo(1);
    assertThat(results("PARTIAL")).isEqualTo(1);
  }

  @Test
  void aClosedTasksRequestsAreNoLongerCountedAsPending() {
    start(0);
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    decisions.pipeInput("r2", decision("r2", null, "a"));
    results.pipeInput("r2", ok("r2", "a", 1.0));
    assertThat(metrics.pending()).isEqualTo(1);

    driver.close(); // closes the processor: its requests are no longer counted
    driver = null;
    assertThat(metrics.pending()).isZero();
  }

  private double results(String completeness) {
    return meters.get(FusionMetrics.RESULTS).tag("completeness", completeness).counter().count();
  }

  @Test
  void resultsMayOvertakeTheirDecisionAndDuplicatesCountOnce() {
    start(0);
    results.pipeInput("r1", ok("r1", "a", 1.0));
    results.pipeInput("r1", ok("r1", "a", 1.0));
    decisions.pipeInput("r1", decision("r1", null, "a"));
    results.pipeInput("r1", ok("r1", "a", 1.0));

    assertThat(fused.readValuesToList()).hasSize(1);
    assertThat(metrics.duplicateResults()).isEqualTo(1);
    assertThat(metrics.lateResults()).isEqualTo(1);
    assertThat(meters.get(FusionMetrics.DUPLICATE_RESULTS).counter().count()).isEqualTo(1);
    assertThat(meters.get(FusionMetrics.LATE_RESULTS).counter().count()).isEqualTo(1);
  }

  @Test
  void deadlineEmitsPartialThenLateResultsAreCountedNotReEmitted() {
    start(0);
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    results.pipeInput("r1", ok("r1", "a", 0.3));
    driver.advanceWallClockTime(Duration.ofMillis(999));
    assertThat(fused.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofMillis(20));

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.PARTIAL);
    assertThat(result.getContributors()).containsExactly("a");
    assertThat(result.getExpertErrors()).containsEntry("b", "no answer by the deadline");

    results.pipeInput("r1", ok("r1", "b", 0.9));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(fused.isEmpty()).isTrue();
    assertThat(metrics.lateResults()).isEqualTo(1);
  }

  @Test
  void nothingByTheDeadlineIsATimeoutAndAllErrorsAFailure() {
    start(0);
    decisions.pipeInput("silent", decision("silent", null, "a"));
    decisions.pipeInput("broken", decision("broken", null, "a", "b"));
    results.pipeInput("broken", failed("broken", "a"));
    results.pipeInput("broken", failed("broken", "b"));
    FusedResult broken = fused.readValue();
    assertThat(broken.getCompleteness()).isEqualTo(Completeness.FAILED);
    assertThat(broken.getExpertErrors()).containsEntry("a", "ERROR: HTTP 503");
    assertThat(broken.getOutput()).isNull();

    driver.advanceWallClockTime(Duration.ofMillis(1_050));
    FusedResult silent = fused.readValue();
    assertThat(silent.getRequestId()).isEqualTo("silent");
    assertThat(silent.getCompleteness()).isEqualTo(Completeness.TIMEOUT);
    assertThat(results("FAILED")).isEqualTo(1);
    assertThat(results("TIMEOUT")).isEqualTo(1);
  }

  @Test
  void quorumEmitsBeforeEveryoneAnswered() {
    start(1);
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    results.pipeInput("r1", failed("r1", "b"));
    assertThat(fused.isEmpty()).isTrue();
    results.pipeInput("r1", ok("r1", "a", 0.5));
    assertThat(fused.readValue().getCompleteness()).isEqualTo(Completeness.COMPLETE);
  }

  @Test
  void stateIsDroppedAfterDeadlinePlusGrace() {
    start(0);
    decisions.pipeInput("r1", decision("r1", null, "a"));
    results.pipeInput("r1", ok("r1", "a", 0.5));
    results.pipeInput("orphan", ok("orphan", "a", 0.5));
    KeyValueStore<String, ?> pending = driver.getKeyValueStore(FusionTopology.PENDING_STORE);
    assertThat(count(pending)).isEqualTo(2);

    driver.advanceWallClockTime(Duration.ofSeconds(7));

    assertThat(pending.get("r1")).isNull();
    assertThat(pending.get("orphan")).isNull();
    assertThat(count(driver.getKeyValueStore(FusionTopology.DUE_INDEX_STORE))).isZero();
  }

  private static int count(KeyValueStore<String, ?> store) {
    int entries = 0;
    try (var all = store.all()) {
      while (all.hasNext()) {
        all.next();
        entries++;
      }
    }
    return entries;
  }

  @Test
  void replyToGetsACopyAndGarbageIsDeadLettered() {
    start(0);
    rawResults.pipeInput("x", new byte[] {9, 9});
    decisions.pipeInput("r1", decision("r1", "replies-acme", "a"));
    results.pipeInput("r1", ok("r1", "a", 0.5));

    assertThat(fused.readValuesToList()).hasSize(1);
    TestOutputTopic<String, FusedResult> replies = driver.createOutputTopic("replies-acme",
        Serdes.String().deserializer(), serdes.valueSerde(topics.fusedResults()).deserializer());
    assertThat(replies.readValue().getRequestId()).isEqualTo("r1");
    TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(topics.deadLetters().name(),
        Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    assertThat(new String(dead.readRecord().headers().lastHeader(GatestreamHeaders.DLQ_REASON).value(),
        StandardCharsets.UTF_8)).startsWith("cannot read expert result:");
    assertThat(meters.get(DeadLetterMeters.NAME).tags("stage", "fusion", "reason", "unreadable").counter().count())
        .isEqualTo(1);
    assertThat(metrics.deadLetters()).isEqualTo(1);
  }
}
