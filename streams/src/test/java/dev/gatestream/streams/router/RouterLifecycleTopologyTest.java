package dev.gatestream.streams.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shadow experts and a candidate policy beside production, on the router topology. */
class RouterLifecycleTopologyTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final RouterLimits LIMITS =
      new RouterLimits(200_000, 50_000, 4, 100, Duration.ofMinutes(10), Duration.ofMinutes(5));

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, InferenceRequest> requests;
  private TestInputTopic<String, RoutingWeights> weights;
  private TestOutputTopic<String, RoutingDecision> decisions;

  /** Always the one expert, with probability 1, at its weights' version. */
  private record Always(String expert, long version) implements Gate {
    @Override
    public Selection select(RoutingInput input, float[] features, RandomGenerator random) {
      Map<String, Double> propensities = new LinkedHashMap<>();
      for (String one : List.of("a", "b", "c")) {
        propensities.put(one, one.equals(expert) ? 1.0 : 0.0);
      }
      propensities.put(expert, 1.0);
      return new Selection(List.of(new Choice(expert, 1.0, 1.0)), propensities, Map.of());
    }
  }

  private static GateFactory always(String expert) {
    return snapshot -> new Always(expert, snapshot == null ? 0 : snapshot.version());
  }

  private void start(ShadowExperts shadows, CandidateRunner candidate, ActivePolicy production) {
    RouterMetrics metrics = new RouterMetrics(meters, production);
    ReplyTopics replyTopics =
        ReplyTopics.from(
            new GatestreamConfig(Map.of(GatestreamConfig.TOPIC_PREFIX, "t-")), topic -> false);
    driver =
        new TopologyTestDriver(
            RouterTopology.build(
                topics,
                serdes,
                new LengthFeaturizer(),
                production,
                metrics,
                LIMITS,
                replyTopics,
                new RouterLifecycle(shadows, candidate)),
            props(),
            Instant.ofEpochMilli(NOW));
    requests =
        driver.createInputTopic(
            topics.requests().name(),
            Serdes.String().serializer(),
            serdes.valueSerde(topics.requests()).serializer());
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
  }

  private ActivePolicy production() {
    return new ActivePolicy("prod", always("a"), () -> NOW);
  }

  private CandidateRunner candidate(double share) {
    return new CandidateRunner(new ActivePolicy("cand", always("c"), () -> NOW), "prod", share)
        .meteredOn(meters);
  }

  private static Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-lifecycle-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return props;
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  private static InferenceRequest request(String id, String task) {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(NOW - 5)
        .setText("hello")
        .setTask(task)
        .setDeadlineMs(NOW + 10_000)
        .build();
  }

  private TestOutputTopic<String, ExpertTask> tasksOf(String expert) {
    return driver.createOutputTopic(
        topics.expertTasks(expert).name(),
        Serdes.String().deserializer(),
        serdes.valueSerde(topics.expertTasks(expert)).deserializer());
  }

  private TestOutputTopic<String, CandidateDecision> candidateDecisions() {
    return driver.createOutputTopic(
        topics.candidateDecisions().name(),
        Serdes.String().deserializer(),
        serdes.valueSerde(topics.candidateDecisions()).deserializer());
  }

  private static RoutingWeights weightsOf(String policy, long version, Double canaryShare) {
    return RoutingWeights.newBuilder()
        .setPolicy(policy)
        .setVersion(version)
        .setExperts(List.of("a", "b", "c"))
        .setFeatureDimension(1)
        .setParameters(Map.of())
        .setPublishedAtMs(NOW)
        .setCanaryShare(canaryShare)
        .build();
  }

  @Test
  void aShadowExpertGetsItsSampleOfItsTasksAsShadowNeverAsChosen() {
    start(
        new ShadowExperts(List.of(new ShadowExperts.Shadow("s", 1.0, List.of("math"), 0.0)), 10)
            .meteredOn(meters),
        null,
        production());
    requests.pipeInput("r1", request("r1", "math"));
    requests.pipeInput("r2", request("r2", "chat"));

    List<TestRecord<String, ExpertTask>> shadowTasks = tasksOf("s").readRecordsToList();
    assertThat(shadowTasks).extracting(TestRecord::key).containsExactly("r1");
    assertThat(
            new String(
                shadowTasks.get(0).headers().lastHeader(GatestreamHeaders.SHADOW).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("true");
    assertThat(tasksOf("a").readRecordsToList())
        .allSatisfy(
            task -> assertThat(task.headers().lastHeader(GatestreamHeaders.SHADOW)).isNull())
        .hasSize(2);
    List<RoutingDecision> logged = decisions.readValuesToList();
    assertThat(logged.get(0).getChosen()).extracting(ChosenExpert::getExpert).containsExactly("a");
    assertThat(logged.get(0).getShadow()).containsExactly(new ChosenExpert("s", 0.0, 1.0));
    assertThat(logged.get(1).getShadow()).isEmpty();
    assertThat(meters.get(ShadowExperts.TASKS).tag("expert", "s").counter().count()).isEqualTo(1);
  }

  @Test
  void shadowSpendStopsAtItsLimitCountedApart() {
    ShadowExperts shadows =
        new ShadowExperts(List.of(new ShadowExperts.Shadow("s", 1.0, List.of(), 0.4)), 1.0)
            .meteredOn(meters);
    start(shadows, null, production());
    for (int i = 0; i < 5; i++) {
      requests.pipeInput("r" + i, request("r" + i, null));
    }

    assertThat(tasksOf("s").readKeyValuesToList()).hasSize(2);
    assertThat(tasksOf("a").readKeyValuesToList()).hasSize(5);
    assertThat(shadows.spent()).isEqualTo(0.8, within(1e-12));
    assertThat(meters.get(ShadowExperts.CAPPED).counter().count()).isEqualTo(3);
    assertThat(meters.get(ShadowExperts.SPEND).gauge().value()).isEqualTo(0.8, within(1e-12));
  }

  @Test
  void aSampleRateSendsAboutThatShareOfRequests() {
    start(
        new ShadowExperts(List.of(new ShadowExperts.Shadow("s", 0.25, List.of(), 0.0)), 10),
        null,
        production());
    for (int i = 0; i < 2_000; i++) {
      requests.pipeInput("r" + i, request("r" + i, null));
    }
    // 2,000 draws at 0.25: 500 expected, sd 19.4; 6 sd either side.
    assertThat(tasksOf("s").readKeyValuesToList()).hasSizeBetween(384, 616);
  }

  @Test
  void aCandidateDecidesEveryRequestCounterfactuallyWithItsPropensities() {
    CandidateRunner candidate = candidate(0);
    start(ShadowExperts.none(), candidate, production());
    weights.pipeInput("cand", weightsOf("cand", 3, null));
    requests.pipeInput("r1", request("r1", "math"));

    CandidateDecision proposed = candidateDecisions().readValue();
    assertThat(proposed.getCandidate()).isEqualTo("cand");
    assertThat(proposed.getCandidateVersion()).isEqualTo(3);
    assertThat(proposed.getProduction()).isEqualTo("prod");
    assertThat(proposed.getCanary()).isFalse();
    assertThat(proposed.getChosen()).extracting(ChosenExpert::getExpert).containsExactly("c");
    assertThat(proposed.getCandidatePropensities()).containsEntry("c", 1.0).containsEntry("a", 0.0);
    assertThat(proposed.getTask()).isEqualTo("math");
    assertThat(proposed.getProductionPropensities())
        .containsEntry("a", 1.0)
        .containsEntry("c", 0.0);
    // Nothing was sent for it: production decided.
    assertThat(tasksOf("c").isEmpty()).isTrue();
    RoutingDecision decision = decisions.readValue();
    assertThat(decision.getPolicy()).isEqualTo("prod");
    assertThat(decision.getChosen()).extracting(ChosenExpert::getExpert).containsExactly("a");
    assertThat(decision.getCandidatePropensities()).containsEntry("a", 1.0);
    assertThat(
            meters
                .get(CandidateRunner.DECISIONS)
                .tags("candidate", "cand", "kind", "counterfactual")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aCanaryDecidesItsShareForRealLogsTheMixtureAndStopsWhenItsShareIsPublishedZero() {
    CandidateRunner candidate = candidate(0.5);
    start(ShadowExperts.none(), candidate, production());
    for (int i = 0; i < 400; i++) {
      requests.pipeInput("r" + i, request("r" + i, null));
    }
    List<RoutingDecision> logged = decisions.readValuesToList();
    List<CandidateDecision> proposed = candidateDecisions().readValuesToList();
    long canaries = proposed.stream().filter(CandidateDecision::getCanary).count();
    // 400 draws at 0.5: sd 10.
    assertThat(canaries).isBetween(140L, 260L);
    assertThat(logged.stream().filter(d -> d.getPolicy().equals("cand")).count())
        .isEqualTo(canaries);
    assertThat(tasksOf("c").readKeyValuesToList()).hasSize((int) canaries);
    for (RoutingDecision decision : logged) {
      // The logging policy is the mixture: half a, half c, whoever decided.
      assertThat(decision.getCandidatePropensities())
          .containsEntry("a", 0.5)
          .containsEntry("c", 0.5)
          .containsEntry("b", 0.0);
      assertThat(decision.getChosen().get(0).getPropensity()).isEqualTo(0.5);
      assertThat(decision.getChosen().get(0).getExpert())
          .isEqualTo(decision.getPolicy().equals("cand") ? "c" : "a");
    }

    // The guardrail's rollback: the candidate's weights with canary share 0.
    weights.pipeInput("cand", weightsOf("cand", 1, 0.0));
    assertThat(candidate.canaryShare()).isZero();
    for (int i = 400; i < 500; i++) {
      requests.pipeInput("r" + i, request("r" + i, null));
    }
    assertThat(decisions.readValuesToList())
        .allSatisfy(
            decision -> {
              assertThat(decision.getPolicy()).isEqualTo("prod");
              assertThat(decision.getChosen().get(0).getPropensity()).isEqualTo(1.0);
            });
    assertThat(candidateDecisions().readValuesToList())
        .hasSize(100)
        .noneMatch(CandidateDecision::getCanary);
  }

  @Test
  void weightsThatNameAGateRunWithItAndSwapAtomically() {
    ActivePolicy production =
        new ActivePolicy(
            "prod",
            always("a"),
            spec -> {
              assertThat(spec).isEqualTo("always-b");
              return always("b");
            },
            () -> NOW);
    start(ShadowExperts.none(), null, production);
    requests.pipeInput("r1", request("r1", null));
    RoutingWeights promoted = weightsOf("prod", 5, null);
    promoted.setGate("always-b");
    promoted.setPromotedFrom("cand@v3");
    weights.pipeInput("prod", promoted);
    requests.pipeInput("r2", request("r2", null));

    List<RoutingDecision> logged = decisions.readValuesToList();
    assertThat(logged.get(0).getChosen().get(0).getExpert()).isEqualTo("a");
    assertThat(logged.get(1).getChosen().get(0).getExpert()).isEqualTo("b");
    assertThat(logged.get(1).getPolicyVersion()).isEqualTo(5);
  }

  @Test
  void aShadowPromotedIntoProductionsGateIsChosenAndNoLongerShadowed() {
    ActivePolicy production =
        new ActivePolicy(
            "prod",
            always("a"),
            spec -> {
              assertThat(spec).isEqualTo("always:promoted.experts=s");
              return always("s");
            },
            () -> NOW);
    start(
        new ShadowExperts(List.of(new ShadowExperts.Shadow("s", 1.0, List.of(), 0.0)), 10)
            .meteredOn(meters),
        null,
        production);
    requests.pipeInput("r1", request("r1", null));
    RoutingWeights promoted = weightsOf("prod", 5, null);
    promoted.setGate("always:promoted.experts=s");
    promoted.setPromotedFrom("s@v0");
    weights.pipeInput("prod", promoted);
    requests.pipeInput("r2", request("r2", null));

    List<RoutingDecision> logged = decisions.readValuesToList();
    assertThat(logged.get(0).getShadow()).extracting(ChosenExpert::getExpert).containsExactly("s");
    assertThat(logged.get(1).getChosen()).extracting(ChosenExpert::getExpert).containsExactly("s");
    assertThat(logged.get(1).getShadow()).isEmpty();
    List<TestRecord<String, ExpertTask>> tasks = tasksOf("s").readRecordsToList();
    assertThat(tasks).extracting(TestRecord::key).containsExactly("r1", "r2");
    assertThat(tasks.get(1).headers().lastHeader(GatestreamHeaders.SHADOW)).isNull();
    assertThat(meters.get(ShadowExperts.TASKS).tag("expert", "s").counter().count()).isEqualTo(1);
  }

  @Test
  void aCandidateMustBeNamedApartFromProduction() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new CandidateRunner(new ActivePolicy("prod", always("c"), () -> NOW), "prod", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("named apart");
  }
}
