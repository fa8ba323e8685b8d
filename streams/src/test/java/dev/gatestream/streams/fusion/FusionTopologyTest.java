package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.clients.WriteFailures;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.TransientFailures;
import dev.gatestream.streams.common.DeadLetterMeters;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.OutageSerdes;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FusionTopologyTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final long DEADLINE = NOW + 1_000;

  private static final Duration MAX_DEADLINE = Duration.ofMinutes(1);

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final AtomicBoolean registryDown = new AtomicBoolean();
  private final GatestreamSerdes serdes = new OutageSerdes(registryDown::get);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FusionMetrics metrics = new FusionMetrics(meters);
  private final Set<String> existingTopics =
      new HashSet<>(Set.of("t-replies-acme", "t-routing-weights"));
  private final WriteFailures writeFailures = new WriteFailures();
  private TopologyTestDriver driver;
  private TestInputTopic<String, RoutingDecision> decisions;
  private TestInputTopic<String, ExpertResult> results;
  private TestInputTopic<String, byte[]> rawResults;
  private TestOutputTopic<String, FusedResult> fused;
  private TestOutputTopic<byte[], byte[]> dead;

  private void start(int quorum) {
    start(quorum, new FusionLimits(MAX_DEADLINE, 16, 100), 1024 * 1024);
  }

  private void start(int quorum, FusionLimits limits, int maxRequestSize) {
    FusionSettings settings =
        new FusionSettings(
            quorum,
            Duration.ofSeconds(5),
            Duration.ofMillis(10),
            "auto",
            FusionSettings.Weights.GATE,
            List.of());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fusion-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRequestSize);
    props.put(WriteFailures.CONFIG, writeFailures);
    ReplyTopics replyTopics =
        ReplyTopics.from(
            new GatestreamConfig(Map.of(GatestreamConfig.TOPIC_PREFIX, "t-")),
            existingTopics::contains);
    driver =
        new TopologyTestDriver(
            FusionTopology.build(
                topics, serdes, settings, limits, new ExpertReliability("p"), metrics, replyTopics),
            props,
            Instant.ofEpochMilli(NOW));
    decisions =
        driver.createInputTopic(
            topics.decisions().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.decisions()).serializer());
    results =
        driver.createInputTopic(
            topics.expertResults().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.expertResults()).serializer());
    rawResults =
        driver.createInputTopic(
            topics.expertResults().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    fused =
        driver.createOutputTopic(
            topics.fusedResults().name(),
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer());
    dead =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  private static RoutingDecision decision(String id, String replyTo, String... experts) {
    List<ChosenExpert> chosen =
        java.util.Arrays.stream(experts)
            .map(expert -> new ChosenExpert(expert, expert.equals("a") ? 0.75 : 0.25, 1.0))
            .toList();
    return RoutingDecision.newBuilder()
        .setRequestId(id)
        .setPolicy("p")
        .setPolicyVersion(4)
        .setChosen(chosen)
        .setDeadlineMs(DEADLINE)
        .setRequestCreatedAtMs(NOW - 100)
        .setDecidedAtMs(NOW)
        .setReplyTo(replyTo)
        .setAttributes(Map.of("tenant", "acme"))
        .build();
  }

  private static ExpertResult ok(String id, String expert, double score) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(new Score(score))
        .setLatencyMs(10)
        .setCost(0.01)
        .setCompletedAtMs(NOW)
        .setDeadlineMs(DEADLINE)
        .build();
  }

  private static ExpertResult failed(String id, String expert) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.ERROR)
        .setErrorMessage("HTTP 503")
        .setLatencyMs(10)
        .setCost(0.0)
        .setCompletedAtMs(NOW)
        .build();
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
  void aBacklogReadAfterAnOutageIsJoinedBeforeItsDeadlinesPassInRecordTime() {
    start(0);
    // Fusion was down: when it reads again the wall clock is 50 s past every deadline.
    driver.advanceWallClockTime(Duration.ofSeconds(50));
    Instant written = Instant.ofEpochMilli(NOW);
    decisions.pipeInput("r1", decision("r1", null, "a", "b"), written);
    decisions.pipeInput("r2", decision("r2", null, "a", "b"), written);
    results.pipeInput("r2", ok("r2", "a", 0.4), written.plusMillis(10));
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(fused.isEmpty()).as("nothing is due in record time yet").isTrue();

    results.pipeInput("r1", ok("r1", "a", 0.2), written.plusMillis(20));
    results.pipeInput("r1", ok("r1", "b", 0.6), written.plusMillis(30));
    FusedResult answered = fused.readValue();
    assertThat(answered.getRequestId()).isEqualTo("r1");
    assertThat(answered.getCompleteness()).isEqualTo(Completeness.COMPLETE);

    // The backlog is read up: once the input is quiet, the wall clock decides.
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    FusedResult partial = fused.readValue();
    assertThat(partial.getRequestId()).isEqualTo("r2");
    assertThat(partial.getCompleteness()).isEqualTo(Completeness.PARTIAL);
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
  void aDecisionThatAskedNoExpertPastItsDeadlineIsATimeoutAtOnce() {
    start(0);
    // What the router writes for a request whose deadline passed before it was routed.
    decisions.pipeInput(
        "late",
        RoutingDecision.newBuilder(decision("late", null))
            .setDeadlineMs(NOW - 10)
            .setDecidedAtMs(NOW)
            .build());

    FusedResult late = fused.readValue();
    assertThat(late.getRequestId()).isEqualTo("late");
    assertThat(late.getCompleteness()).isEqualTo(Completeness.TIMEOUT);
    assertThat(late.getExpected()).isEmpty();
    assertThat(late.getExpertErrors())
        .containsExactly(Map.entry("router", "deadline passed before routing"));
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
  void stateIsDroppedAfterDeadlinePlusGraceInRecordTime() {
    start(0);
    decisions.pipeInput("r1", decision("r1", null, "a"), NOW);
    results.pipeInput("r1", ok("r1", "a", 0.5), NOW);
    results.pipeInput("orphan", ok("orphan", "a", 0.5), NOW);
    KeyValueStore<String, ?> pending = driver.getKeyValueStore(FusionTopology.PENDING_STORE);
    assertThat(count(pending)).isEqualTo(2);

    // Wall-clock time alone expires nothing: the records say how late it is.
    driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertThat(count(pending)).isEqualTo(2);

    // A record past deadline + grace (1 s + 5 s) brings record time there.
    decisions.pipeInput("later", decision("later", null, "a"), NOW + 6_001);
    driver.advanceWallClockTime(Duration.ofMillis(20));

    assertThat(pending.get("r1")).isNull();
    assertThat(pending.get("orphan")).isNull();
    TestRecord<byte[], byte[]> letter = dead.readRecord();
    assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("orphan");
    assertThat(header(letter, GatestreamHeaders.DLQ_REASON))
        .isEqualTo("no routing decision by the request's deadline + fusion.grace.ms (record time)");
    assertThat(metrics.droppedResults(FusionMetrics.DropCause.EXPIRED)).isEqualTo(1);
    assertThat(
            serdes
                .valueSerde(topics.expertResults())
                .deserializer()
                .deserialize("t", letter.value()))
        .isEqualTo(ok("orphan", "a", 0.5));
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
    decisions.pipeInput("r1", decision("r1", "t-replies-acme", "a"));
    results.pipeInput("r1", ok("r1", "a", 0.5));

    assertThat(fused.readValuesToList()).hasSize(1);
    TestOutputTopic<String, FusedResult> replies =
        driver.createOutputTopic(
            "t-replies-acme",
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer());
    assertThat(replies.readValue().getRequestId()).isEqualTo("r1");
    assertThat(
            new String(
                dead.readRecord().headers().lastHeader(GatestreamHeaders.DLQ_REASON).value(),
                StandardCharsets.UTF_8))
        .startsWith("cannot read expert result:");
    assertThat(
            meters
                .get(DeadLetterMeters.NAME)
                .tags("stage", "fusion", "reason", "unreadable")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(metrics.deadLetters()).isEqualTo(1);
  }

  @Test
  void aRecordOfTheOtherTopicsTypeOrATombstoneIsDeadLetteredNotFused() {
    start(0);
    TestInputTopic<String, byte[]> rawDecisions =
        driver.createInputTopic(
            topics.decisions().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    byte[] aResult =
        serdes
            .valueSerde(topics.expertResults())
            .serializer()
            .serialize(topics.expertResults().name(), ok("r1", "a", 0.5));
    byte[] aDecision =
        serdes
            .valueSerde(topics.decisions())
            .serializer()
            .serialize(topics.decisions().name(), decision("r2", null, "a"));
    rawDecisions.pipeInput("r1", aResult);
    rawResults.pipeInput("r2", aDecision);
    rawDecisions.pipeInput("r3", (byte[]) null);
    rawResults.pipeInput("r4", (byte[]) null);
    // The real decision and result of r1 are fused as if the misplaced records had never come.
    decisions.pipeInput("r1", decision("r1", null, "a"));
    results.pipeInput("r1", ok("r1", "a", 0.5));

    // This registry's serde refuses the other type itself; the one of a real registry decodes it
    // (PoisonCatalogueIT), and fusion then refuses it by its type.
    assertThat(dead.readRecordsToList())
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .satisfiesExactly(
            reason -> assertThat(reason).startsWith("cannot read routing decision: "),
            reason -> assertThat(reason).startsWith("cannot read expert result: "),
            reason -> assertThat(reason).isEqualTo("cannot read routing decision: an empty record"),
            reason -> assertThat(reason).isEqualTo("cannot read expert result: an empty record"));
    assertThat(fused.readValuesToList())
        .extracting(FusedResult::getRequestId)
        .containsExactly("r1");
    assertThat(metrics.pending()).isZero();
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void resultsFirstThenTheirDecisionAfterALongWallClockGapAreFusedWhole() {
    start(0);
    // Both experts answered; fusion saw their results, then was away (an outage) for ten minutes.
    results.pipeInput("r1", ok("r1", "a", 1.0), NOW);
    results.pipeInput("r1", ok("r1", "b", 0.0), NOW + 5);
    driver.advanceWallClockTime(Duration.ofMinutes(10));

    decisions.pipeInput("r1", decision("r1", null, "a", "b"), NOW + 1);

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE);
    assertThat(result.getContributors()).containsExactly("a", "b");
    assertThat(dead.isEmpty()).isTrue();
    assertThat(metrics.droppedResults(FusionMetrics.DropCause.EXPIRED)).isZero();
  }

  @Test
  void resultsOfExpertsTheDecisionDidNotChooseAreDroppedCountedAndDeadLettered() {
    start(0);
    results.pipeInput("r1", ok("r1", "made-up", 0.9)); // before its decision: kept, then dropped
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    results.pipeInput("r1", ok("r1", "also-made-up", 0.9)); // after it: dropped at once
    results.pipeInput("r1", ok("r1", "a", 1.0));
    results.pipeInput("r1", ok("r1", "b", 0.0));
    results.pipeInput("r1", ok("r1", "made-up", 0.9)); // after emission: not a late result either

    FusedResult result = fused.readValue();
    assertThat(result.getContributors()).containsExactly("a", "b");
    assertThat(result.getTotalCost()).isEqualTo(0.02);
    assertThat(dead.readRecordsToList())
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "result of expert 'made-up', which the routing decision did not choose",
            "result of expert 'also-made-up', which the routing decision did not choose",
            "result of expert 'made-up', which the routing decision did not choose");
    assertThat(metrics.droppedResults(FusionMetrics.DropCause.UNCHOSEN)).isEqualTo(3);
    assertThat(meters.get(FusionMetrics.DROPPED_RESULTS).tag("cause", "unchosen").counter().count())
        .isEqualTo(3);
    assertThat(metrics.deadLetters(DeadLetterReason.DROPPED)).isEqualTo(3);
    assertThat(metrics.lateResults()).isZero();
  }

  @Test
  void aShadowExpertsResultIsNeverFusedNorDeadLetteredAndItsCostIsCountedApart() {
    start(0);
    results.pipeInput("r1", ok("r1", "shadow-x", 0.9)); // before its decision: kept, then set aside
    RoutingDecision decision = decision("r1", "t-replies-acme", "a", "b");
    decision.setShadow(List.of(new ChosenExpert("shadow-x", 0.0, 0.2)));
    decisions.pipeInput("r1", decision);
    results.pipeInput("r1", ok("r1", "a", 1.0));
    results.pipeInput("r1", ok("r1", "b", 0.0));
    results.pipeInput("r2", ok("r2", "a", 1.0));
    RoutingDecision second = decision("r2", null, "a");
    second.setShadow(List.of(new ChosenExpert("shadow-x", 0.0, 0.2)));
    decisions.pipeInput("r2", second);
    results.pipeInput("r2", ok("r2", "shadow-x", 0.1)); // after emission: neither late nor fused

    List<FusedResult> all = fused.readValuesToList();
    assertThat(all).hasSize(2);
    assertThat(all.get(0).getContributors()).containsExactly("a", "b");
    assertThat(all.get(0).getTotalCost()).isEqualTo(0.02);
    assertThat(all.get(1).getContributors()).containsExactly("a");
    TestOutputTopic<String, FusedResult> replies =
        driver.createOutputTopic(
            "t-replies-acme",
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer());
    assertThat(replies.readValuesToList())
        .singleElement()
        .satisfies(reply -> assertThat(reply.getContributors()).containsExactly("a", "b"));
    assertThat(dead.isEmpty()).isTrue();
    assertThat(metrics.shadowResults("shadow-x")).isEqualTo(2);
    assertThat(meters.get(FusionMetrics.SHADOW_COST).tag("expert", "shadow-x").counter().count())
        .isEqualTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(metrics.lateResults()).isZero();
    assertThat(metrics.droppedResults(FusionMetrics.DropCause.UNCHOSEN)).isZero();
  }

  @Test
  void resultsWaitingForTheirDecisionAreBoundedInExpertsAndRequests() {
    start(0, new FusionLimits(MAX_DEADLINE, 2, 2), 1024 * 1024);
    results.pipeInput("r1", ok("r1", "a", 1.0));
    results.pipeInput("r1", ok("r1", "b", 1.0));
    results.pipeInput("r1", ok("r1", "c", 1.0)); // a third expert for r1
    results.pipeInput("r2", ok("r2", "a", 1.0));
    results.pipeInput("r3", ok("r3", "a", 1.0)); // a third request

    assertThat(dead.readRecordsToList())
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "2 experts' results already wait for the routing decision (fusion.max.early.experts)",
            "2 requests already wait for their routing decision (fusion.max.early.requests)");
    assertThat(metrics.droppedResults(FusionMetrics.DropCause.OVERFLOW)).isEqualTo(2);
    assertThat(count(driver.getKeyValueStore(FusionTopology.PENDING_STORE))).isEqualTo(2);

    // r1's decision comes: r1 no longer waits, so r3 may.
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    results.pipeInput("r3", ok("r3", "a", 1.0));
    assertThat(fused.readValue().getRequestId()).isEqualTo("r1");
    assertThat(dead.isEmpty()).isTrue();
  }

  @Test
  void aDeadlineInYear9999IsHeldToTheMaximumAfterTheDecision() {
    start(0);
    decisions.pipeInput(
        "far",
        RoutingDecision.newBuilder(decision("far", null, "a", "b"))
            .setDeadlineMs(253_402_300_799_000L)
            .build(),
        NOW);
    results.pipeInput("far", ok("far", "a", 1.0), NOW);
    driver.advanceWallClockTime(MAX_DEADLINE.plusMillis(20));

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.PARTIAL);
    // Then its state goes with the rest, once record time passes the bound plus grace.
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    decisions.pipeInput(
        "later", decision("later", null, "a"), NOW + MAX_DEADLINE.toMillis() + 5_001);
    driver.advanceWallClockTime(Duration.ofMillis(20));
    assertThat(driver.getKeyValueStore(FusionTopology.PENDING_STORE).get("far")).isNull();
  }

  @Test
  void aReplyToThatIsMissingOrOneOfOurOwnIsDeadLetteredAndTheFusedResultStillWritten() {
    start(0);
    decisions.pipeInput("gone", decision("gone", "t-replies-gone", "a"));
    results.pipeInput("gone", ok("gone", "a", 0.5));
    decisions.pipeInput("own", decision("own", "t-routing-weights", "a"));
    results.pipeInput("own", ok("own", "a", 0.5));

    assertThat(fused.readValuesToList())
        .extracting(FusedResult::getRequestId)
        .containsExactly("gone", "own");
    List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
    assertThat(letters)
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "no reply to t-replies-gone: replyTo 't-replies-gone' does not exist",
            "no reply to t-routing-weights: replyTo 't-routing-weights' is one of Gatestream's own topics");
    assertThat(letters)
        .extracting(record -> header(record, GatestreamHeaders.DLQ_TARGET_TOPIC))
        .containsExactly("t-replies-gone", "t-routing-weights");
    assertThat(
            serdes
                .valueSerde(topics.fusedResults())
                .deserializer()
                .deserialize("t", letters.get(0).value())
                .getRequestId())
        .isEqualTo("gone");
    TestOutputTopic<String, byte[]> weights =
        driver.createOutputTopic(
            "t-routing-weights", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    assertThat(weights.isEmpty()).isTrue();
    assertThat(metrics.deadLetters(DeadLetterReason.UNWRITABLE)).isEqualTo(2);
  }

  @Test
  void aFusedResultTooLargeToWriteIsDeadLetteredAndReplacedByAFailedOne() {
    start(0, new FusionLimits(MAX_DEADLINE, 16, 100), 40_000);
    decisions.pipeInput("big", decision("big", "t-replies-acme", "a"));
    results.pipeInput(
        "big",
        ExpertResult.newBuilder(ok("big", "a", 0))
            .setOutput(new TextAnswer("w".repeat(30_000)))
            .build());

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.FAILED);
    assertThat(result.getOutput()).isNull();
    assertThat(result.getExpertErrors().get("fusion"))
        .matches(
            "fused result of 300\\d\\d bytes exceeds the 23616"
                + " the producer's max.request.size leaves for it");
    TestOutputTopic<String, FusedResult> replies =
        driver.createOutputTopic(
            "t-replies-acme",
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer());
    assertThat(replies.readValue().getCompleteness())
        .as("the caller hears of it")
        .isEqualTo(Completeness.FAILED);
    TestRecord<byte[], byte[]> letter = dead.readRecord();
    assertThat(header(letter, GatestreamHeaders.DLQ_TARGET_TOPIC)).isEqualTo("t-fused-results");
    assertThat(Integer.parseInt(header(letter, GatestreamHeaders.DLQ_ORIGINAL_SIZE)))
        .isGreaterThan(30_000);
    assertThat(letter.value().length).isLessThan(40_000);
  }

  @Test
  void aFusedResultOrReplyThatFailedToBeWrittenIsDeadLetteredWhenRedone() {
    start(0);
    // As the production handler notes them before the transaction is rolled back.
    writeFailures.note(
        "t-fused-results",
        "r1".getBytes(StandardCharsets.UTF_8),
        "cannot write to t-fused-results: x");
    writeFailures.note(
        "t-replies-acme",
        "r2".getBytes(StandardCharsets.UTF_8),
        "cannot write to t-replies-acme: y");
    decisions.pipeInput("r1", decision("r1", null, "a"));
    results.pipeInput("r1", ok("r1", "a", 0.5));
    decisions.pipeInput("r2", decision("r2", "t-replies-acme", "a"));
    results.pipeInput("r2", ok("r2", "a", 0.5));

    List<FusedResult> written = fused.readValuesToList();
    assertThat(written)
        .extracting(FusedResult::getCompleteness)
        .containsExactly(Completeness.FAILED, Completeness.COMPLETE);
    assertThat(dead.readRecordsToList())
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "cannot write to t-fused-results: x",
            "no reply to t-replies-acme: cannot write to t-replies-acme: y");
  }

  @Test
  void aResultTheRegistryCannotResolveForNowFailsTheThreadAndIsNotDeadLettered() {
    start(0);
    decisions.pipeInput("r1", decision("r1", null, "a", "b"));
    registryDown.set(true);

    assertThatThrownBy(() -> results.pipeInput("r1", ok("r1", "a", 0.5)))
        .isInstanceOf(StreamsException.class)
        .satisfies(e -> assertThat(TransientFailures.isTransient(e)).isTrue());

    assertThat(dead.isEmpty()).isTrue();
  }
}
