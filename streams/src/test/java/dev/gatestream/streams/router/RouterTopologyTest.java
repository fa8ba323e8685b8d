package dev.gatestream.streams.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.clients.WriteFailures;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.TransientFailures;
import dev.gatestream.streams.common.DeadLetterMeters;
import dev.gatestream.streams.common.OutageSerdes;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterTopologyTest {

  private static final List<String> EXPERTS =
      List.of("meta/llama-2-70b-chat", "gpt-4-1106-preview", "mixtral");
  private static final long NOW = 1_700_000_000_000L;
  private long now = NOW;

  private static final RouterLimits LIMITS =
      new RouterLimits(200_000, 50_000, 4, 100, Duration.ofMinutes(10), Duration.ofMinutes(5));

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final AtomicBoolean registryDown = new AtomicBoolean();
  private final GatestreamSerdes serdes = new OutageSerdes(registryDown::get);
  private final Set<String> existingTopics =
      new HashSet<>(Set.of("t-replies-gw1", "t-routing-weights", "client-inbox", "t-decisions"));
  private final ReplyTopics replyTopics =
      ReplyTopics.from(
          new GatestreamConfig(
              Map.of(
                  GatestreamConfig.TOPIC_PREFIX,
                  "t-",
                  GatestreamConfig.ROUTER_REPLY_TO_TOPICS,
                  "client-inbox")),
          existingTopics::contains);
  private final WriteFailures writeFailures = new WriteFailures();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RouterMetrics metrics;
  private TopologyTestDriver driver;
  private TestInputTopic<String, InferenceRequest> requests;
  private TestInputTopic<String, byte[]> rawRequests;
  private TestInputTopic<String, RoutingWeights> weights;
  private TestOutputTopic<String, RoutingDecision> decisions;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    ActivePolicy policy =
        new ActivePolicy("p", snapshot -> new TopTwoByBiasGate(EXPERTS, snapshot), () -> now);
    metrics = new RouterMetrics(meters, policy);
    driver = new TopologyTestDriver(build(policy), props(), Instant.ofEpochMilli(NOW));
    requests =
        driver.createInputTopic(
            topics.requests().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.requests()).serializer());
    rawRequests =
        driver.createInputTopic(
            topics.requests().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    weights =
        driver.createInputTopic(
            topics.routingWeights().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.routingWeights()).serializer());
    decisions =
        driver.createOutputTopic(
            topics.decisions().name(),
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.decisions()).deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  private Topology build(ActivePolicy policy) {
    return RouterTopology.build(
        topics, serdes, new LengthFeaturizer(), policy, metrics, LIMITS, replyTopics);
  }

  private Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(WriteFailures.CONFIG, writeFailures);
    return props;
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static InferenceRequest request(String id, String text, long deadline) {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(NOW - 5)
        .setText(text)
        .setDeadlineMs(deadline)
        .setAttributes(Map.of("tenant", "acme"))
        .build();
  }

  private TestOutputTopic<String, ExpertTask> tasksOf(String expert) {
    return driver.createOutputTopic(
        topics.expertTasks(expert).name(),
        Serdes.String().deserializer(),
        serdes.valueSerde(topics.expertTasks(expert)).deserializer());
  }

  @Test
  void routesToEachChosenExpertsTopicAndLogsTheDecision() {
    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));

    assertThat(tasksOf("meta/llama-2-70b-chat").readValuesToList())
        .extracting(ExpertTask::getRequestId)
        .containsExactly("r1");
    assertThat(tasksOf("gpt-4-1106-preview").readValuesToList()).hasSize(1);
    assertThat(tasksOf("mixtral").isEmpty()).isTrue();
    RoutingDecision decision = decisions.readValue();
    assertThat(decision.getPolicyVersion()).isZero();
    assertThat(decision.getChosen())
        .extracting(ChosenExpert::getExpert)
        .containsExactly("meta/llama-2-70b-chat", "gpt-4-1106-preview");
    assertThat(decision.getCandidatePropensities()).containsEntry("mixtral", 0.0);
    assertThat(decision.getFeatures()).containsExactly(5f);
    assertThat(decision.getDeadlineMs()).isEqualTo(NOW + 1000);
    assertThat(decision.getAttributes()).containsEntry("tenant", "acme");

    assertThat(meters.get(RouterMetrics.REQUESTS).counter().count()).isEqualTo(1);
    assertThat(
            meters
                .get(RouterMetrics.DECISIONS)
                .tags("expert", "meta/llama-2-70b-chat", "policy", "p")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get(RouterMetrics.DECISIONS)
                .tags("expert", "gpt-4-1106-preview", "policy", "p")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(meters.find(RouterMetrics.DECISIONS).tag("expert", "mixtral").counter()).isNull();
    assertThat(meters.get(RouterMetrics.GATE_LATENCY).timer().count()).isEqualTo(1);
    assertThat(metrics.routed()).isEqualTo(1);
    assertThat(metrics.tasks()).isEqualTo(2);
  }

  @Test
  void badRecordsBecomeDeadLettersWithTheReasonAndTheRestFlows() {
    rawRequests.pipeInput("junk", "not avro".getBytes(StandardCharsets.UTF_8));
    rawRequests.pipeInput("tombstone", (byte[]) null);
    requests.pipeInput("late", request("late", "hello", NOW - 10));
    requests.pipeInput(
        "empty",
        InferenceRequest.newBuilder()
            .setId("empty")
            .setCreatedAtMs(NOW)
            .setDeadlineMs(NOW + 1000)
            .build());
    requests.pipeInput(
        "notext",
        InferenceRequest.newBuilder()
            .setId("notext")
            .setCreatedAtMs(NOW)
            .setTask("mmlu")
            .setDeadlineMs(NOW + 1000)
            .build());
    requests.pipeInput("ok", request("ok", "fine", NOW + 1000));

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "cannot read inference request: not in the Confluent wire format (no magic byte 0)",
            "cannot read inference request: an empty record",
            "deadline passed 10 ms before routing",
            "request has no task, text or features to route on",
            "request has no text");
    assertThat(dead)
        .allSatisfy(
            record -> {
              assertThat(header(record, GatestreamHeaders.DLQ_STAGE)).isEqualTo("router");
              assertThat(header(record, GatestreamHeaders.DLQ_SOURCE_TOPIC))
                  .isEqualTo("t-requests");
            });
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    List<RoutingDecision> written = decisions.readValuesToList();
    assertThat(written).extracting(RoutingDecision::getRequestId).containsExactly("late", "ok");
    // The expired request is still answered: fusion turns a decision that asked no one into a
    // TIMEOUT.
    RoutingDecision late = written.get(0);
    assertThat(late.getChosen()).isEmpty();
    assertThat(late.getDeadlineMs()).isEqualTo(NOW - 10);
    assertThat(tasksOf("gpt-4-1106-preview").readValuesToList())
        .noneMatch(task -> task.getRequestId().equals("late"));
    assertThat(metrics.deadLetters()).isEqualTo(5);
    assertThat(dlq("unreadable")).isEqualTo(2);
    assertThat(dlq("expired")).isEqualTo(1);
    assertThat(dlq("invalid")).isEqualTo(2);
    assertThat(dlq("failed")).isZero();
    assertThat(meters.get(RouterMetrics.REQUESTS).counter().count()).isEqualTo(1);
  }

  @Test
  void anIdRoutedWithinTheDedupeWindowIsRefusedAsADuplicateAndNoExpertIsAskedTwice() {
    // Refused before: an invalid request may be sent again, fixed, under its id.
    requests.pipeInput(
        "r1",
        InferenceRequest.newBuilder()
            .setId("r1")
            .setCreatedAtMs(NOW)
            .setDeadlineMs(NOW + 1000)
            .build());
    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));
    driver.advanceWallClockTime(Duration.ofMinutes(4));
    requests.pipeInput("r1", request("r1", "hello again", NOW + Duration.ofMinutes(5).toMillis()));

    assertThat(tasksOf("mixtral").isEmpty()).isTrue();
    assertThat(tasksOf("meta/llama-2-70b-chat").readValuesToList()).hasSize(1);
    assertThat(decisions.readValuesToList()).hasSize(1);
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .extracting(record -> header(record, GatestreamHeaders.DLQ_CODE))
        .containsExactly("invalid", "duplicate");
    assertThat(header(dead.get(1), GatestreamHeaders.DLQ_REASON))
        .isEqualTo(
            "request id 'r1' was already routed 240000 ms ago; ids must be unique within "
                + GatestreamConfig.ROUTER_DEDUPE_WINDOW_MS
                + " (300000)");
    assertThat(dlq("duplicate")).isEqualTo(1);

    // Past the window the id is forgotten.
    driver.advanceWallClockTime(Duration.ofMinutes(2));
    requests.pipeInput("r1", request("r1", "hello later", NOW + Duration.ofMinutes(7).toMillis()));
    assertThat(decisions.readValuesToList()).hasSize(1);
  }

  @Test
  void theDedupeWindowIsExactToTheMillisecondAlthoughIdsAreFiledByCoarseBuckets() {
    long window = Duration.ofMinutes(5).toMillis();
    requests.pipeInput("r1", request("r1", "hello", NOW + window + 1000));
    driver.advanceWallClockTime(Duration.ofMillis(window - 1));
    requests.pipeInput("r1", request("r1", "hello again", NOW + 2 * window));
    assertThat(dlq("duplicate")).isEqualTo(1);

    driver.advanceWallClockTime(Duration.ofMillis(1));
    requests.pipeInput("r1", request("r1", "hello later", NOW + 2 * window));
    assertThat(decisions.readValuesToList()).hasSize(2);
  }

  @Test
  void aRequestTheGateFailsOnIsADeadLetterOfReasonFailed() {
    driver.close();
    ActivePolicy failing =
        new ActivePolicy(
            "p",
            snapshot ->
                new Gate() {
                  @Override
                  public long version() {
                    return 0;
                  }

                  @Override
                  public Selection select(
                      RoutingInput input, float[] features, RandomGenerator random) {
                    throw new IllegalStateException("broken gate");
                  }
                },
            () -> now);
    meters.clear();
    metrics = new RouterMetrics(meters, failing);
    driver = new TopologyTestDriver(build(failing), props(), Instant.ofEpochMilli(NOW));
    driver
        .createInputTopic(
            topics.requests().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.requests()).serializer())
        .pipeInput("r1", request("r1", "hello", NOW + 1000));

    TestOutputTopic<byte[], byte[]> dead =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
    assertThat(header(dead.readRecord(), GatestreamHeaders.DLQ_REASON))
        .isEqualTo("cannot route: java.lang.IllegalStateException: broken gate");
    assertThat(dlq("failed")).isEqualTo(1);
    // The gate was called, and timed, even though it threw.
    assertThat(meters.get(RouterMetrics.GATE_LATENCY).timer().count()).isEqualTo(1);
    assertThat(metrics.routed()).isZero();
  }

  private double dlq(String reason) {
    return meters
        .get(DeadLetterMeters.NAME)
        .tags("stage", "router", "reason", reason)
        .counter()
        .count();
  }

  @Test
  void newWeightsVersionsAreSwappedInAndOldOnesIgnored() {
    weights.pipeInput("p", weights(3, 0.0, 0.0, 5.0));
    requests.pipeInput("r1", request("r1", "a", NOW + 1000));
    weights.pipeInput("p", weights(2, 5.0, 5.0, 0.0)); // older: ignored
    weights.pipeInput(
        "other", RoutingWeights.newBuilder(weights(9, 9, 9, 9)).setPolicy("other").build());
    requests.pipeInput("r2", request("r2", "b", NOW + 1000));

    List<RoutingDecision> routed = decisions.readValuesToList();
    assertThat(routed).extracting(RoutingDecision::getPolicyVersion).containsExactly(3L, 3L);
    assertThat(routed.get(1).getChosen().get(0).getExpert()).isEqualTo("mixtral");
    assertThat(meters.get(RouterMetrics.POLICY_VERSION).tag("policy", "p").gauge().value())
        .isEqualTo(3);
  }

  @Test
  void thePolicyAgeIsTheTimeSinceTheActiveWeightsWerePublished() {
    Gauge age = meters.get(RouterMetrics.POLICY_AGE).tag("policy", "p").gauge();
    assertThat(meters.get(RouterMetrics.POLICY_VERSION).gauge().value()).isZero();
    now = NOW + 4_000;
    assertThat(age.value()).isEqualTo(4.0); // the initial weights: since the router started

    weights.pipeInput(
        "p", RoutingWeights.newBuilder(weights(5, 0, 0, 1)).setPublishedAtMs(NOW + 3_000).build());
    now = NOW + 10_500;

    assertThat(meters.get(RouterMetrics.POLICY_VERSION).gauge().value()).isEqualTo(5);
    assertThat(age.value()).isEqualTo(7.5);
  }

  @Test
  void closingTheMetricsTakesTheMetersOffTheRegistry() {
    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));
    assertThat(meters.find(RouterMetrics.DECISIONS).counters()).hasSize(2);

    metrics.close();

    assertThat(meters.getMeters()).isEmpty();
    assertThat(metrics.tasks()).isEqualTo(2);
  }

  @Test
  void aRequestTooLargeToWriteAsTasksIsDeadLetteredCutToFitWithItsSizeAndTheRestFlows() {
    // ~1 MB of attributes: the request fits the requests topic, but not as two tasks plus a
    // decision.
    String megabyte = "x".repeat(1_000_000);
    requests.pipeInput(
        "huge",
        InferenceRequest.newBuilder(request("huge", "hello", NOW + 1000))
            .setAttributes(Map.of("blob", megabyte))
            .build());
    requests.pipeInput("ok", request("ok", "fine", NOW + 1000));

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(header(dead, GatestreamHeaders.DLQ_REASON))
        .matches("request of 10000\\d\\d bytes exceeds router.max.request.bytes \\(200000\\)");
    assertThat(Integer.parseInt(header(dead, GatestreamHeaders.DLQ_ORIGINAL_SIZE)))
        .isGreaterThan(1_000_000);
    assertThat(dead.value().length)
        .as("cut to fit the producer's max.request.size")
        .isLessThan(1024 * 1024 - 1024);
    assertThat(decisions.readValuesToList())
        .extracting(RoutingDecision::getRequestId)
        .containsExactly("ok");
    assertThat(dlq("invalid")).isEqualTo(1);
  }

  @Test
  void attributesAndTextOverTheirLimitsAreDeadLetteredWithTheLimitNamed() {
    requests.pipeInput(
        "many",
        InferenceRequest.newBuilder(request("many", "hello", NOW + 1000))
            .setAttributes(Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5"))
            .build());
    requests.pipeInput(
        "long",
        InferenceRequest.newBuilder(request("long", "hello", NOW + 1000))
            .setAttributes(Map.of("note", "y".repeat(120)))
            .build());
    requests.pipeInput("text", request("text", "z".repeat(50_001), NOW + 1000));

    assertThat(deadLetters.readRecordsToList())
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "5 attributes exceed router.max.attributes (4)",
            "attributes of 124 characters exceed router.max.attributes.chars (100)",
            "text of 50001 characters exceeds router.max.text.chars (50000)");
    assertThat(decisions.isEmpty()).isTrue();
  }

  @Test
  void aReplyToMustBeAllowedNotOneOfOurOwnTopicsAndExist() {
    requests.pipeInput("missing", withReplyTo("missing", "t-replies-gone"));
    requests.pipeInput("weights", withReplyTo("weights", "t-routing-weights"));
    requests.pipeInput("decisions", withReplyTo("decisions", "t-decisions"));
    requests.pipeInput("foreign", withReplyTo("foreign", "someone-elses-topic"));
    requests.pipeInput("gateway", withReplyTo("gateway", "t-replies-gw1"));
    requests.pipeInput("listed", withReplyTo("listed", "client-inbox"));

    assertThat(deadLetters.readRecordsToList())
        .extracting(record -> header(record, GatestreamHeaders.DLQ_REASON))
        .containsExactly(
            "replyTo 't-replies-gone' does not exist",
            "replyTo 't-routing-weights' is one of Gatestream's own topics",
            "replyTo 't-decisions' is one of Gatestream's own topics",
            "replyTo 'someone-elses-topic' is not an allowed reply topic (router.reply.to.pattern"
                + " '\\Qt-\\E(reply|replies|score)-.+', router.reply.to.topics)");
    assertThat(decisions.readValuesToList())
        .extracting(RoutingDecision::getReplyTo)
        .containsExactly("t-replies-gw1", "client-inbox");
    assertThat(dlq("invalid")).isEqualTo(4);

    existingTopics.add("t-replies-gone"); // created since: looked up again
    requests.pipeInput("created", withReplyTo("created", "t-replies-gone"));
    assertThat(decisions.readValue().getReplyTo()).isEqualTo("t-replies-gone");
  }

  private static InferenceRequest withReplyTo(String id, String replyTo) {
    return InferenceRequest.newBuilder(request(id, "hello", NOW + 1000))
        .setReplyTo(replyTo)
        .build();
  }

  @Test
  void aDeadlineBeyondTheMaximumIsClampedForTheDecisionAndTheTasks() {
    long year9999 = 253_402_300_799_000L;
    requests.pipeInput("far", request("far", "hello", year9999));

    RoutingDecision decision = decisions.readValue();
    assertThat(decision.getDeadlineMs()).isEqualTo(NOW + Duration.ofMinutes(10).toMillis());
    assertThat(tasksOf("meta/llama-2-70b-chat").readValue().getRequest().getDeadlineMs())
        .isEqualTo(NOW + Duration.ofMinutes(10).toMillis());
    assertThat(meters.get(RouterMetrics.DEADLINE_CLAMPED).counter().count()).isEqualTo(1);
    assertThat(metrics.clampedDeadlines()).isEqualTo(1);
  }

  @Test
  void recordsOnTheWeightsTopicThatAreNotWeightsAreSkippedAndCounted() {
    TestInputTopic<String, byte[]> rawWeights =
        driver.createInputTopic(
            topics.routingWeights().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    byte[] garbage = new byte[200];
    new java.util.Random(4).nextBytes(garbage);
    rawWeights.pipeInput("p", garbage);
    // Another record type in the registry's wire format, as a fused result written there would be.
    rawWeights.pipeInput(
        "p",
        serdes
            .valueSerde(topics.fusedResults())
            .serializer()
            .serialize(
                "t-fused-results",
                FusedResult.newBuilder()
                    .setRequestId("r0")
                    .setStrategy("s")
                    .setContributors(List.of())
                    .setCompleteness(Completeness.COMPLETE)
                    .setLatencyMs(1)
                    .setEmittedAtMs(NOW)
                    .build()));
    weights.pipeInput("p", weights(3, 0.0, 0.0, 5.0));
    requests.pipeInput("r1", request("r1", "a", NOW + 1000));

    assertThat(decisions.readValue().getPolicyVersion()).isEqualTo(3);
    assertThat(
            meters
                .get(RoutingWeightsStore.UNREADABLE_METER)
                .tag("stage", "router")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(metrics.unreadableWeights()).isEqualTo(2);
  }

  @Test
  void aRequestWhoseDecisionFailedToBeWrittenIsDeadLetteredWhenRedoneAndOnlyThen() {
    // As the production handler notes it before the transaction is rolled back.
    writeFailures.note(
        topics.decisions().name(),
        "r1".getBytes(StandardCharsets.UTF_8),
        "cannot write to t-decisions: record of 2000000 bytes is too large");
    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));
    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));

    assertThat(header(deadLetters.readRecord(), GatestreamHeaders.DLQ_REASON))
        .isEqualTo("cannot write to t-decisions: record of 2000000 bytes is too large");
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(decisions.readValuesToList()).hasSize(1);
    assertThat(tasksOf("mixtral").isEmpty()).isTrue();
    assertThat(tasksOf("meta/llama-2-70b-chat").readValuesToList()).hasSize(1);
    assertThat(dlq("unwritable")).isEqualTo(1);
  }

  private static RoutingWeights weights(long version, double... biases) {
    return RoutingWeights.newBuilder()
        .setPolicy("p")
        .setVersion(version)
        .setExperts(EXPERTS)
        .setFeatureDimension(1)
        .setParameters(Map.of("b", List.of(biases[0], biases[1], biases[2])))
        .setPublishedAtMs(NOW)
        .build();
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aRequestTheRegistryCannotResolveForNowFailsTheThreadAndIsNotDeadLettered() {
    registryDown.set(true);

    assertThatThrownBy(() -> requests.pipeInput("r1", request("r1", "hello", NOW + 60_000)))
        .isInstanceOf(StreamsException.class)
        .satisfies(e -> assertThat(TransientFailures.isTransient(e)).isTrue());

    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(decisions.isEmpty()).isTrue();
  }

  @Test
  void aCascadeSendsTheFirstExpertAloneAndLogsItsPlanWithTheRequest() {
    driver.close();
    CascadeRule rule = new CascadeRule(List.of("mixtral", "gpt-4-1106-preview"), 0.8, 300, 0.05);
    List<Expert> experts = EXPERTS.stream().map(name -> new Expert(name, 0.001)).toList();
    ActivePolicy cascade =
        new ActivePolicy(
            "p", snapshot -> Gates.create(GateSpec.cascade(rule), experts, 1, snapshot), () -> now);
    metrics = new RouterMetrics(meters, cascade);
    driver = new TopologyTestDriver(build(cascade), props(), Instant.ofEpochMilli(NOW));
    requests =
        driver.createInputTopic(
            topics.requests().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.requests()).serializer());
    decisions =
        driver.createOutputTopic(
            topics.decisions().name(),
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.decisions()).deserializer());

    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));

    assertThat(tasksOf("mixtral").readValuesToList()).hasSize(1);
    assertThat(tasksOf("gpt-4-1106-preview").isEmpty()).isTrue();
    RoutingDecision decision = decisions.readValue();
    assertThat(decision.getChosen()).containsExactly(new ChosenExpert("mixtral", 1.0, 1.0));
    assertThat(decision.getCascade().getOrder()).containsExactly("mixtral", "gpt-4-1106-preview");
    assertThat(decision.getCascade().getThreshold()).isEqualTo(0.8);
    assertThat(decision.getCascade().getMinRemainingMs()).isEqualTo(300);
    assertThat(decision.getCascade().getExploration()).isEqualTo(0.05);
    assertThat(decision.getCascade().getSteps()).isEmpty();
    assertThat(decision.getCascade().getRequest().getText()).isEqualTo("hello");
  }

  @Test
  void otherGatesLogNoCascade() {
    requests.pipeInput("r1", request("r1", "hello", NOW + 1000));

    assertThat(decisions.readValue().getCascade()).isNull();
  }
}
