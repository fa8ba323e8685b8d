package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.CascadePlan;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.EscalationStep;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.policy.cascade.CascadeRule.Reason;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fusion escalates a cascade's low-confidence answers to the next expert and waits for it. */
class CascadeFusionTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final long DEADLINE = NOW + 5_000;

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FusionMetrics metrics = new FusionMetrics(meters);
  private TopologyTestDriver driver;
  private TestInputTopic<String, RoutingDecision> decisions;
  private TestInputTopic<String, ExpertResult> results;
  private TestOutputTopic<String, FusedResult> fused;
  private TestOutputTopic<String, ExpertTask> strongTasks;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cascade-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            FusionTopology.build(
                topics,
                serdes,
                new FusionSettings(
                    0,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(10),
                    "auto",
                    FusionSettings.Weights.GATE,
                    List.of()),
                new FusionLimits(Duration.ofMinutes(1), 16, 100),
                new ExpertReliability("p"),
                metrics,
                ReplyTopics.from(
                    new GatestreamConfig(Map.of(GatestreamConfig.TOPIC_PREFIX, "t-")),
                    topic -> false)),
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
    fused =
        driver.createOutputTopic(
            topics.fusedResults().name(),
            Serdes.String().deserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer());
    strongTasks =
        driver.createOutputTopic(
            topics.expertTasks("strong").name(),
            Serdes.String().deserializer(),
            serdes.avro(ExpertTask.class, false).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static RoutingDecision cascade(String id, long minRemainingMs) {
    InferenceRequest request =
        InferenceRequest.newBuilder()
            .setId(id)
            .setCreatedAtMs(NOW - 100)
            .setText("what is two plus two?")
            .setDeadlineMs(DEADLINE)
            .build();
    return RoutingDecision.newBuilder()
        .setRequestId(id)
        .setPolicy("p")
        .setPolicyVersion(3)
        .setChosen(List.of(new ChosenExpert("cheap", 1.0, 1.0)))
        .setDeadlineMs(DEADLINE)
        .setRequestCreatedAtMs(NOW - 100)
        .setDecidedAtMs(NOW)
        .setCascade(
            CascadePlan.newBuilder()
                .setOrder(List.of("cheap", "strong"))
                .setThreshold(0.7)
                .setMinRemainingMs(minRemainingMs)
                .setExploration(0)
                .setRequest(request)
                .build())
        .build();
  }

  /** Class probabilities whose top one, {@code top}, is the given label's. */
  private static ExpertResult answer(String id, String expert, String label, double top) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(
            new ClassProbabilities(
                List.of(label, "x", "y"), List.of(top, (1 - top) / 2, (1 - top) / 2)))
        .setLatencyMs(10)
        .setCost(expert.equals("cheap") ? 0.001 : 0.03)
        .setCompletedAtMs(NOW)
        .setDeadlineMs(DEADLINE)
        .build();
  }

  @Test
  void aLowConfidenceAnswerEscalatesAndTheFusedResultWaitsForTheStrongExpert() {
    decisions.pipeInput("r1", cascade("r1", 500));
    results.pipeInput("r1", answer("r1", "cheap", "5", 0.55));

    assertThat(fused.isEmpty()).as("fusion waits for the escalation").isTrue();
    ExpertTask task = strongTasks.readValue();
    assertThat(task.getExpert()).isEqualTo("strong");
    assertThat(task.getRequestId()).isEqualTo("r1");
    assertThat(task.getRequest().getText()).isEqualTo("what is two plus two?");
    assertThat(task.getPolicyVersion()).isEqualTo(3);

    results.pipeInput("r1", answer("r1", "strong", "4", 0.9));

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE);
    assertThat(result.getExpected()).containsExactly("cheap", "strong");
    assertThat(result.getContributors()).contains("strong");
    ClassProbabilities output = (ClassProbabilities) result.getOutput();
    int four = output.getLabels().indexOf("4");
    int five = output.getLabels().indexOf("5");
    assertThat(output.getProbabilities().get(four))
        .as("the strong expert's answer outweighs the one it overrules")
        .isGreaterThan(output.getProbabilities().get(five));
    assertThat(result.getTotalCost()).isEqualTo(0.031);
    EscalationStep step = result.getEscalations().get(0);
    assertThat(result.getEscalations()).hasSize(1);
    assertThat(step.getFrom()).isEqualTo("cheap");
    assertThat(step.getTo()).isEqualTo("strong");
    assertThat(step.getConfidence()).isEqualTo(0.55);
    assertThat(step.getEscalated()).isTrue();
    assertThat(step.getEscalateProbability()).isEqualTo(1.0);
    assertThat(step.getPropensity()).isEqualTo(1.0);
    assertThat(step.getReason()).isEqualTo("low-confidence");
    assertThat(step.getRemainingMs()).isEqualTo(5_000);
    assertThat(metrics.cascade().escalations()).isEqualTo(1);
    assertThat(metrics.cascade().steps(Reason.LOW_CONFIDENCE, true)).isEqualTo(1);
  }

  @Test
  void aConfidentAnswerIsEmittedAtOnceWithoutEscalation() {
    decisions.pipeInput("r2", cascade("r2", 500));
    results.pipeInput("r2", answer("r2", "cheap", "4", 0.92));

    FusedResult result = fused.readValue();
    assertThat(result.getExpected()).containsExactly("cheap");
    assertThat(result.getContributors()).containsExactly("cheap");
    assertThat(result.getEscalations())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.getEscalated()).isFalse();
              assertThat(step.getReason()).isEqualTo("confident");
              assertThat(step.getPropensity()).isEqualTo(1.0);
            });
    assertThat(strongTasks.isEmpty()).isTrue();
    assertThat(metrics.cascade().kept()).isEqualTo(1);
  }

  @Test
  void anAnswerThatOvertookItsDecisionIsJudgedWhenTheDecisionComes() {
    results.pipeInput("r3", answer("r3", "cheap", "5", 0.55));
    decisions.pipeInput("r3", cascade("r3", 500));

    assertThat(strongTasks.readValue().getExpert()).isEqualTo("strong");
    assertThat(fused.isEmpty()).isTrue();
  }

  @Test
  void withTooLittleTimeLeftTheAnswerInHandStands() {
    decisions.pipeInput("r4", cascade("r4", 6_000));
    results.pipeInput("r4", answer("r4", "cheap", "5", 0.55));

    FusedResult result = fused.readValue();
    assertThat(result.getExpected()).containsExactly("cheap");
    assertThat(result.getEscalations().get(0).getReason()).isEqualTo("no-time");
    assertThat(result.getEscalations().get(0).getEscalateProbability()).isZero();
    assertThat(strongTasks.isEmpty()).isTrue();
    assertThat(metrics.cascade().steps(Reason.NO_TIME, false)).isEqualTo(1);
  }

  @Test
  void aScoreIsNoConfidenceSoItEscalates() {
    decisions.pipeInput("r5", cascade("r5", 500));
    results.pipeInput(
        "r5",
        ExpertResult.newBuilder(answer("r5", "cheap", "4", 0.99))
            .setOutput(new Score(1.0))
            .build());

    assertThat(strongTasks.readValue().getExpert()).isEqualTo("strong");
    assertThat(metrics.cascade().steps(Reason.NO_CONFIDENCE, true)).isEqualTo(1);
  }

  @Test
  void theReportedConfidenceComesBeforeTheClassProbabilities() {
    decisions.pipeInput("r6", cascade("r6", 500));
    results.pipeInput(
        "r6", ExpertResult.newBuilder(answer("r6", "cheap", "4", 0.99)).setConfidence(0.2).build());

    assertThat(strongTasks.readValue().getExpert()).isEqualTo("strong");
  }

  @Test
  void theStrongExpertsSilenceEndsInAPartialResultAtTheDeadline() {
    decisions.pipeInput("r7", cascade("r7", 500));
    results.pipeInput("r7", answer("r7", "cheap", "5", 0.55));
    driver.advanceWallClockTime(Duration.ofMillis(5_050));

    FusedResult result = fused.readValue();
    assertThat(result.getCompleteness()).isEqualTo(Completeness.PARTIAL);
    assertThat(result.getContributors()).containsExactly("cheap");
    assertThat(result.getExpertErrors()).containsEntry("strong", "no answer by the deadline");
    assertThat(result.getEscalations().get(0).getEscalated()).isTrue();
  }
}
