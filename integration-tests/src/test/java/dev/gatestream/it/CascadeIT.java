package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.gatestream.app.evaluate.CandidateSpec;
import dev.gatestream.app.evaluate.EvaluateJob;
import dev.gatestream.app.evaluate.EvaluateListener;
import dev.gatestream.app.evaluate.EvaluateReport;
import dev.gatestream.app.evaluate.EvaluateSettings;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayItem;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.EscalationStep;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.policy.cascade.CascadeEvaluation;
import dev.gatestream.policy.cascade.CascadeRule.Reason;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cascade on a real broker and registry: router, replay experts that report a confidence with
 * their answers, and fusion, then the evaluate job on what they logged. The cheap expert's logged
 * confidence is low on the questions it gets wrong and high on the others; the strong expert is
 * always right and twenty times dearer. Low confidence escalates, and the fused result waits for
 * and holds the strong answer; high confidence does not; every escalation decision is logged with
 * its propensity, and evaluate judges other thresholds from them.
 */
@ExtendWith(GatestreamStackExtension.class)
class CascadeIT {

  private static final String CHEAP = "acme/cheap-1b";
  private static final String STRONG = "acme/strong-70b";
  private static final int REQUESTS = 60;
  private static final double LOW = 0.2;
  private static final double HIGH = 0.95;
  private static final Path HOME =
      Path.of(System.getProperty("gatestream.home", "..")).toAbsolutePath().normalize();

  private final StackEndpoints stack;

  CascadeIT(StackEndpoints stack) {
    this.stack = stack;
  }

  /** Even rows: the cheap expert is wrong and unsure; odd rows: right and sure. */
  private static boolean unsure(int row) {
    return row % 2 == 0;
  }

  private static Path writeLog(Path dir) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "id,prompt,task,"
                + CHEAP
                + ","
                + STRONG
                + ","
                + CHEAP
                + "|cost,"
                + STRONG
                + "|cost,"
                + CHEAP
                + "|confidence\n");
    for (int i = 0; i < REQUESTS; i++) {
      csv.append("c")
          .append(i)
          .append(",question ")
          .append(i)
          .append(",arithmetic,")
          .append(unsure(i) ? "0" : "1")
          .append(",1,0.0006,0.03,")
          .append(unsure(i) ? LOW : HIGH)
          .append('\n');
    }
    Path log = dir.resolve("cascade.csv");
    Files.writeString(log, csv);
    return log;
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void lowConfidenceEscalatesAndEvaluateJudgesTheLoggedEscalations(@TempDir Path dir)
      throws Exception {
    Path log = writeLog(dir);
    String prefix = TestNames.unique("cascade") + "-";
    Map<String, String> values = new HashMap<>();
    values.put(GatestreamConfig.TOPIC_PREFIX, prefix);
    values.put(GatestreamConfig.TOPIC_PARTITIONS, "2");
    values.put(GatestreamConfig.EXPERTS, CHEAP + "," + STRONG);
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, log.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, dir.resolve("state").toString());
    values.put(GatestreamConfig.ROUTER_FEATURES, "hashed");
    values.put(GatestreamConfig.ROUTER_FEATURE_DIMENSION, "16");
    values.put(GatestreamConfig.ROUTER_GATE, "cascade");
    values.put(GatestreamConfig.ROUTER_CASCADE_ORDER, CHEAP + "," + STRONG);
    values.put(GatestreamConfig.ROUTER_CASCADE_THRESHOLD, "0.7");
    values.put(GatestreamConfig.ROUTER_CASCADE_MIN_REMAINING_MS, "500");
    values.put(GatestreamConfig.ROUTER_CASCADE_EXPLORATION, "0");
    GatestreamConfig config = StackDeployment.config(stack, values);
    Topics topics = Topics.from(config);
    List<String> experts = List.of(CHEAP, STRONG);
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(clients.ids().job("cascade-it", "admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }

    List<ReplayItem> items = new ArrayList<>();
    try (WideRoutingLog rows = WideRoutingLog.open(log)) {
      rows.forEach(row -> items.add(ReplayItem.of(row)));
    }
    ReplayReport.Segment segment;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        Pipeline pipeline =
            Pipeline.start(
                config,
                stack.bootstrapServers(),
                stack.registryUrl(),
                ExpertCatalog.load(config, dir),
                EnumSet.of(Stage.ROUTER, Stage.FUSION, Stage.EXPERTS),
                dir);
        ReplayDriver driver =
            new ReplayDriver(
                topics,
                serdes,
                clients,
                ReplayOptions.unpaced(20, Duration.ofSeconds(20), Duration.ZERO, 0.0, 1),
                REQUESTS,
                TestNames.unique("cascade-replay"),
                "default")) {
      segment =
          driver.replay(
              "cascade",
              items,
              new ReplayReport.Baselines(Map.of(), null, null, null),
              bucket -> {});
      assertThat(pipeline.fusionMetrics().cascade().escalations()).isEqualTo(REQUESTS / 2);
      assertThat(pipeline.fusionMetrics().cascade().steps(Reason.CONFIDENT, false))
          .isEqualTo(REQUESTS / 2);
    }
    assertThat(segment.requests()).isEqualTo(REQUESTS);

    Map<String, FusedResult> fused = new HashMap<>();
    Map<String, RoutingDecision> decisions = new HashMap<>();
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), false)) {
      TopicRangeReader.read(
          clients,
          new StringDeserializer(),
          serdes.avro(FusedResult.class, false).deserializer(),
          TopicRange.parse("kafka:" + topics.fusedResults().name()),
          Duration.ofSeconds(30),
          record -> fused.putIfAbsent(record.key(), record.value()));
      TopicRangeReader.read(
          clients,
          new StringDeserializer(),
          serdes.avro(RoutingDecision.class, false).deserializer(),
          TopicRange.parse("kafka:" + topics.decisions().name()),
          Duration.ofSeconds(30),
          record -> decisions.putIfAbsent(record.key(), record.value()));
    }
    assertThat(fused).hasSize(REQUESTS);
    assertThat(decisions.values())
        .allSatisfy(
            decision -> {
              assertThat(decision.getChosen())
                  .singleElement()
                  .satisfies(chosen -> assertThat(chosen.getExpert()).isEqualTo(CHEAP));
              assertThat(decision.getCascade().getOrder()).containsExactly(CHEAP, STRONG);
              assertThat(decision.getCascade().getThreshold()).isEqualTo(0.7);
            });
    for (int i = 0; i < REQUESTS; i++) {
      FusedResult result = fused.get("c" + i);
      EscalationStep step = result.getEscalations().get(0);
      assertThat(result.getEscalations()).as("c%d escalation decisions", i).hasSize(1);
      assertThat(step.getPropensity()).isEqualTo(1.0);
      assertThat(step.getThreshold()).isEqualTo(0.7);
      if (unsure(i)) {
        assertThat(step.getConfidence()).isEqualTo(LOW);
        assertThat(step.getEscalated()).isTrue();
        assertThat(step.getEscalateProbability()).isEqualTo(1.0);
        assertThat(result.getExpected()).containsExactly(CHEAP, STRONG);
        assertThat(result.getContributors()).as("c%d contributors", i).contains(STRONG);
        assertThat(result.getTotalCost()).isCloseTo(0.0306, offset(1e-9));
        assertThat(((Score) result.getOutput()).getValue())
            .as("c%d: the strong answer (1) outweighs the cheap one (0) it overrules", i)
            .isGreaterThan(0.5);
      } else {
        assertThat(step.getConfidence()).isEqualTo(HIGH);
        assertThat(step.getEscalated()).isFalse();
        assertThat(step.getEscalateProbability()).isZero();
        assertThat(result.getExpected()).containsExactly(CHEAP);
        assertThat(result.getContributors()).containsExactly(CHEAP);
        assertThat(result.getTotalCost()).isCloseTo(0.0006, offset(1e-9));
      }
    }

    EvaluateReport report =
        new EvaluateJob(config, HOME, EvaluateListener.NONE)
            .run(
                EvaluateSettings.of(
                    "kafka:" + topics.decisions().name(), CandidateSpec.parse("always:" + CHEAP)));
    EvaluateReport.Cascades cascades = report.cascades();
    assertThat(cascades).isNotNull();
    assertThat(cascades.decisions()).isEqualTo(REQUESTS);
    assertThat(cascades.withEscalations()).isEqualTo(REQUESTS);
    assertThat(cascades.logged().threshold()).isEqualTo(0.7);
    // As it ran: every wrong cheap answer escalated to the strong expert, which is always right.
    assertThat(cascades.loggedEstimate().supported()).isEqualTo(REQUESTS);
    assertThat(cascades.loggedEstimate().quality()).isEqualTo(1.0);
    assertThat(cascades.loggedEstimate().escalationRate()).isEqualTo(0.5);
    assertThat(cascades.loggedEstimate().cost()).isCloseTo(0.0006 + 0.5 * 0.03, offset(1e-9));
    CascadeEvaluation.Estimate at01 = at(cascades, 0.1);
    CascadeEvaluation.Estimate at05 = at(cascades, 0.5);
    CascadeEvaluation.Estimate at10 = at(cascades, 1.0);
    // 0.5 does what 0.7 did on every request; 0.1 would have kept the unsure answers, which the log
    // cannot judge without exploration; 1.0 would have escalated the sure ones, alike.
    assertThat(at05.supported()).isEqualTo(REQUESTS);
    assertThat(at05.quality()).isEqualTo(1.0);
    assertThat(at01.supported()).isEqualTo(REQUESTS / 2);
    assertThat(at01.escalationRate()).isZero();
    assertThat(at10.supported()).isEqualTo(REQUESTS / 2);
    assertThat(at10.escalationRate()).isEqualTo(1.0);
  }

  private static CascadeEvaluation.Estimate at(EvaluateReport.Cascades cascades, double threshold) {
    return cascades.thresholds().stream()
        .filter(estimate -> estimate.threshold() == threshold)
        .findFirst()
        .orElseThrow();
  }
}
