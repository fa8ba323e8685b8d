package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.FeedbackRead;
import dev.gatestream.adaptation.events.MalformedRecord;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.ResultEvent.AnswerKind;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptationRunnerTest {

  @TempDir Path directory;

  private Path checkpoint(String job, String name, long modifiedAt) throws Exception {
    Path metadata =
        Files.createDirectories(directory.resolve(job).resolve(name)).resolve("_metadata");
    Files.write(metadata, new byte[] {1});
    Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedAt));
    return metadata.getParent();
  }

  private static GatestreamConfig config(Map<String, Object> values) {
    return new GatestreamConfig(new HashMap<>(values));
  }

  @Test
  void restoresTheNewestCompletedCheckpointOfAnyEarlierRun() throws Exception {
    checkpoint("job-1", "chk-7", 1_000);
    Path newest = checkpoint("job-2", "chk-3", 2_000);
    Files.createDirectories(directory.resolve("job-2").resolve("chk-4"));
    Files.createDirectories(directory.resolve("job-2").resolve("shared"));

    assertThat(AdaptationRunner.latestCheckpoint(directory)).contains(newest);
  }

  @Test
  void startsWithoutStateWhenThereIsNoCheckpoint() throws Exception {
    Files.createDirectories(directory.resolve("job-1").resolve("chk-1"));

    assertThat(AdaptationRunner.latestCheckpoint(directory)).isEmpty();
  }

  @Test
  void eachTopicPrefixKeepsItsCheckpointsApartAndRestoresOnlyItsOwn() throws Exception {
    GatestreamConfig blue = config(Map.of(GatestreamConfig.TOPIC_PREFIX, "blue-"));
    GatestreamConfig green = config(Map.of(GatestreamConfig.TOPIC_PREFIX, "green-"));
    Path blueDir = AdaptationRunner.checkpointDirectory(blue, directory);
    Path greenDir = AdaptationRunner.checkpointDirectory(green, directory);
    Path blueCheckpoint = Files.createDirectories(blueDir.resolve("job-1").resolve("chk-3"));
    Files.write(blueCheckpoint.resolve("_metadata"), new byte[] {1});

    assertThat(blueDir).isEqualTo(directory.toAbsolutePath().resolve("blue-adaptation"));
    assertThat(greenDir).isEqualTo(directory.toAbsolutePath().resolve("green-adaptation"));
    assertThat(AdaptationRunner.latestCheckpoint(blueDir)).contains(blueCheckpoint);
    assertThat(AdaptationRunner.latestCheckpoint(Files.createDirectories(greenDir))).isEmpty();
    assertThat(
            AdaptationRunner.flinkConfiguration(green, greenDir, Optional.empty())
                .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo(greenDir.toUri().toString());
  }

  @Test
  void aTopicPrefixThatIsNoDirectoryNameIsRefused() {
    for (String prefix : List.of("../", "a/b-", "x y")) {
      assertThatThrownBy(
              () ->
                  AdaptationRunner.checkpointDirectory(
                      config(Map.of(GatestreamConfig.TOPIC_PREFIX, prefix)), directory))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("topic.prefix");
    }
  }

  @Test
  void noMetricsReporterWhenThePortIsOff() {
    Configuration flink =
        AdaptationRunner.flinkConfiguration(
            config(Map.of(GatestreamConfig.METRICS_ADAPTATION_PORT, "-1")),
            directory,
            Optional.empty());

    assertThat(flink.toMap())
        .noneSatisfy((key, value) -> assertThat(key).startsWith("metrics.reporter."));
  }

  @Test
  void theReporterServesOnItsDefaultPort() {
    Configuration flink =
        AdaptationRunner.flinkConfiguration(config(Map.of()), directory, Optional.empty());

    assertThat(flink.toMap()).containsEntry("metrics.reporter.prometheus.port", "9405");
  }

  @Test
  void thePrometheusReporterServesOnTheConfiguredPort() {
    Configuration flink =
        AdaptationRunner.flinkConfiguration(
            config(Map.of(GatestreamConfig.METRICS_ADAPTATION_PORT, "9250")),
            directory,
            Optional.empty());

    assertThat(flink.toMap())
        .containsEntry(
            "metrics.reporter.prometheus.factory.class",
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
        .containsEntry("metrics.reporter.prometheus.port", "9250");
  }

  // A request the router sent to alpha, its result and its feedback: every one is learned from.
  private static DecisionEvent decision(long i) {
    return new DecisionEvent(
        "r" + i,
        "default",
        0,
        new String[] {"alpha"},
        new double[] {1.0},
        new float[] {1, 0},
        i * 10 + 1_000,
        i * 10);
  }

  private static ResultEvent result(long i) {
    return new ResultEvent(
        "r" + i, "alpha", true, AnswerKind.TEXT, "answer", Double.NaN, 0, i * 10 + 5);
  }

  private static FeedbackEvent feedback(long i) {
    return new FeedbackEvent("r" + i, 1.0, null, new String[0], new double[0], i * 10 + 8);
  }

  private static <T> DataGeneratorSource<T> source(
      GeneratorFunction<Long, T> generator, Class<T> type) {
    return new DataGeneratorSource<>(
        generator, Long.MAX_VALUE, RateLimiterStrategy.perSecond(200), TypeInformation.of(type));
  }

  @Test
  void theRunnersMiniClusterServesTheJobsMetricsForPrometheus() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Configuration flink =
        AdaptationRunner.flinkConfiguration(
            config(Map.of(GatestreamConfig.METRICS_ADAPTATION_PORT, String.valueOf(port))),
            directory,
            Optional.empty());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
    new AdaptationJob(
            new AdaptationSettings(
                List.of("alpha", "beta"),
                LearnerSettings.defaults(LearnerKind.LINEAR, 2),
                0,
                10,
                60_000,
                60_000,
                0),
            source(AdaptationRunnerTest::decision, DecisionEvent.class),
            source(AdaptationRunnerTest::result, ResultEvent.class),
            source(i -> FeedbackRead.of(feedback(i)), FeedbackRead.class),
            new DataGeneratorSource<>(
                i -> new Adopted("elsewhere", 1, 0, null, null, 0),
                1,
                TypeInformation.of(Adopted.class)),
            new CollectSink<PublishedWeights>("scraped-weights"),
            new CollectSink<MalformedRecord>("scraped-dead-letters"),
            Map.of())
        .build(env);
    JobClient job = env.executeAsync("adaptation-metrics-test");
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest scrape =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
              .timeout(Duration.ofSeconds(5))
              .build();
      String operator = "flink_taskmanager_job_task_operator_gatestream_";
      String metrics =
          until(
              "a scrape with published weights",
              Duration.ofSeconds(90),
              () -> {
                String body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                return value(body, operator + "policy_weightsPublished", "policy=\"default\"") > 0
                    ? body
                    : null;
              });

      assertThat(value(metrics, operator + "policy_examples", "policy=\"default\""))
          .isGreaterThanOrEqualTo(10);
      assertThat(value(metrics, operator + "policy_weightsVersion", "policy=\"default\""))
          .isPositive();
      assertThat(value(metrics, operator + "policy_lastPublishEpochMs", "policy=\"default\""))
          .isPositive();
      assertThat(value(metrics, operator + "policy_expert_reward", "expert=\"alpha\""))
          .isPositive();
      assertThat(value(metrics, operator + "examplesJoined", "")).isPositive();
      assertThat(value(metrics, operator + "unjoined", "")).isZero();
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The value of the first sample of metric whose labels contain label, or -1 when there is none.
   */
  private static double value(String scrape, String metric, String label) {
    Matcher sample =
        Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
            .matcher(scrape);
    while (sample.find()) {
      if (sample.group(1).contains(label)) {
        return Double.parseDouble(sample.group(2));
      }
    }
    return -1;
  }

  /** Polls until probe yields a value (exceptions count as not yet); fails after timeout. */
  private static <T> T until(String what, Duration timeout, ThrowingSupplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (Exception e) {
        last = e;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    throw new AssertionError(
        "timed out waiting for " + what + (last == null ? "" : "; last error: " + last), last);
  }

  @FunctionalInterface
  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }
}
