package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.adaptation.AdaptationJob;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.ContainerImages;
import dev.gatestream.it.harness.Podman;
import dev.gatestream.it.harness.PodmanStack;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptation image as a Flink image: a JobManager container in application mode ({@code
 * standalone-job}, the job jar of the image's usrlib) and one TaskManager container of the same
 * image, next to broker and registry containers, all configured by a mounted settings file and
 * FLINK_PROPERTIES only. Decisions, results and feedback of 200 requests go in; the routing weights
 * learned from all 200 must come out; both Flink containers serve /metrics (REST API and /metrics
 * are read inside the containers, as a probe would); then every container gets SIGTERM and must
 * exit 0. Runs only in the images profile, where a missing podman fails it.
 */
class FlinkImageIT {

  private static final String POLICY = "flink-image";
  private static final int REQUESTS = 200;
  private static final String SETTINGS = "/home/gatestream/gatestream.properties";
  private static final int REST_PORT = 8081;
  private static final int METRICS_PORT = 9249;
  private static final Duration WAIT = Duration.ofMinutes(3);

  private final ObjectMapper json = new ObjectMapper();

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void theJobRunsInApplicationModeOnContainersOfTheImage(@TempDir Path dir) throws Exception {
    String run = TestNames.unique("fi");
    try (PodmanStack stack = PodmanStack.start(run)) {
      Map<String, String> settings = new TreeMap<>();
      settings.put(GatestreamConfig.BOOTSTRAP, stack.internalBootstrap());
      settings.put(GatestreamConfig.REGISTRY_URL, stack.internalRegistryUrl());
      settings.put(GatestreamConfig.TOPIC_PREFIX, run + "-");
      settings.put(GatestreamConfig.EXPERTS, String.join(",", LearningTraffic.EXPERTS));
      settings.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "20");
      settings.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "500");
      Path settingsFile = dir.resolve("gatestream.properties");
      Properties properties = new Properties();
      properties.putAll(settings);
      try (Writer out = Files.newBufferedWriter(settingsFile)) {
        properties.store(out, "FlinkImageIT " + run);
      }
      // The test JVM's view: the same settings, broker and registry through their published ports.
      Map<String, String> hostView = new HashMap<>(settings);
      hostView.put(GatestreamConfig.BOOTSTRAP, stack.endpoints().bootstrapServers());
      hostView.put(GatestreamConfig.REGISTRY_URL, stack.endpoints().registryUrl());
      GatestreamConfig config = new ConfigLoader(Map.of()).load(null, hostView);
      Topics topics = Topics.from(config);
      KafkaClients clients = new KafkaClients(config, stack.endpoints().bootstrapServers());
      try (Admin admin = clients.admin(run + "-admin")) {
        new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(LearningTraffic.EXPERTS));
      }

      String jobManager = run + "-jobmanager";
      String taskManager = run + "-taskmanager";
      String image = ContainerImages.gatestream("adaptation");
      long started = System.nanoTime();
      stack.run(
          jobManager,
          image,
          List.of("-v", settingsFile + ":" + SETTINGS + ":ro"),
          Map.of(
              "FLINK_PROPERTIES",
              "jobmanager.rpc.address: " + jobManager + "\njobmanager.memory.process.size: 768m"),
          List.of("standalone-job"));
      stack.run(
          taskManager,
          image,
          List.of(),
          Map.of(
              "FLINK_PROPERTIES",
              "jobmanager.rpc.address: "
                  + jobManager
                  + "\ntaskmanager.host: "
                  + taskManager
                  + "\ntaskmanager.memory.process.size: 1024m"),
          List.of("taskmanager"));

      // Flink's REST API as the JobManager's own container sees it; until it answers, the probe's
      // failure counts as "not yet".
      String jobName = AdaptationJob.jobName(config);
      JsonNode job =
          awaitOrShowLogs(
              "job " + jobName + " running on the TaskManager container",
              List.of(jobManager, taskManager),
              () -> runningJob(jobManager, jobName));
      double jobRunning = seconds(started);
      JsonNode registered = rest(jobManager, "/taskmanagers").path("taskmanagers");

      try (RegistrySerdes serdes = new RegistrySerdes(stack.endpoints().registryUrl(), true);
          LearningTraffic traffic = new LearningTraffic(clients, topics, serdes, POLICY)) {
        long feeding = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
          traffic.request("r" + i, 0.9, 0.2, 0.001);
        }
        double fed = seconds(feeding);
        RoutingWeights last =
            awaitOrShowLogs(
                "weights learned from all " + REQUESTS + " requests",
                List.of(jobManager, taskManager),
                () ->
                    RoutingWeightsTopic.all(stack.endpoints().bootstrapServers(), topics, serdes)
                        .stream()
                        .max(Comparator.comparingLong(RoutingWeights::getVersion))
                        .filter(weights -> weights.getExamples() == REQUESTS));
        double allWeights = seconds(started);
        List<RoutingWeights> all =
            RoutingWeightsTopic.all(stack.endpoints().bootstrapServers(), topics, serdes);
        String jmScrape = Podman.httpGet(jobManager, METRICS_PORT, "/metrics");
        String tmScrape = Podman.httpGet(taskManager, METRICS_PORT, "/metrics");

        System.out.printf(
            "[flink-image-it] %s: %d MB; job %s (%s) running on %d TaskManager(s) %.1f s after"
                + " podman run of the JobManager; %d requests fed in %.1f s; weights v%d from %d"
                + " examples %.1f s after podman run (%d snapshots); /metrics: JobManager %d lines,"
                + " TaskManager %d lines%n",
            image,
            Podman.imageSize(image) / 1_000_000,
            job.path("jid").asText(),
            job.path("state").asText(),
            registered.size(),
            jobRunning,
            REQUESTS,
            fed,
            last.getVersion(),
            last.getExamples(),
            allWeights,
            all.size(),
            jmScrape.lines().count(),
            tmScrape.lines().count());

        assertThat(registered.size()).as("TaskManager containers registered").isEqualTo(1);
        assertThat(last.getExamples()).as("every example learned").isEqualTo(REQUESTS);
        assertThat(all)
            .as("no snapshot counts an example twice")
            .allSatisfy(weights -> assertThat(weights.getExamples()).isLessThanOrEqualTo(REQUESTS));
        assertThat(jmScrape).as("JobManager /metrics").contains("flink_jobmanager_");
        assertThat(tmScrape).as("TaskManager /metrics").contains("flink_taskmanager_");
      }

      // TaskManager, JobManager, then what they ran on: each gets SIGTERM (podman stop; SIGKILL
      // only after 30 s) and must stop cleanly, exit code 0.
      Map<String, Duration> stopTimes = new LinkedHashMap<>();
      Map<String, String> exitCodes = new LinkedHashMap<>();
      for (String container :
          List.of(taskManager, jobManager, stack.registryContainer(), stack.brokerContainer())) {
        long stopping = System.nanoTime();
        Podman.call("stop", "-t", "30", container);
        String name = container.substring(run.length() + 1);
        stopTimes.put(name, Duration.ofNanos(System.nanoTime() - stopping));
        exitCodes.put(name, Podman.call("inspect", "--format", "{{.State.ExitCode}}", container));
      }
      System.out.println(
          "[flink-image-it] SIGTERM to exit: "
              + stopTimes.entrySet().stream()
                  .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue().toMillis() / 1e3))
                  .collect(Collectors.joining(", "))
              + "; exit codes "
              + exitCodes);
      assertThat(exitCodes)
          .allSatisfy((container, code) -> assertThat(code).as(container).isEqualTo("0"));
      assertThat(stopTimes)
          .allSatisfy(
              (container, took) ->
                  assertThat(took).as(container).isLessThan(Duration.ofSeconds(30)));
    }
  }

  /** {@link Await#until}, with the containers' last log lines in the failure. */
  private static <T> T awaitOrShowLogs(String what, List<String> containers, Await.Probe<T> probe) {
    try {
      return Await.until(what, WAIT, probe);
    } catch (AssertionError e) {
      String logs =
          containers.stream()
              .map(c -> c + ":\n" + Podman.tail(c, 30))
              .collect(Collectors.joining("\n"));
      throw new AssertionError(e.getMessage() + "; logs:\n" + logs, e);
    }
  }

  /** The job named {@code name} once all its tasks run, from {@code /jobs/overview}. */
  private Optional<JsonNode> runningJob(String jobManager, String name) throws Exception {
    for (JsonNode job : rest(jobManager, "/jobs/overview").path("jobs")) {
      JsonNode tasks = job.path("tasks");
      if (job.path("name").asText().equals(name)
          && job.path("state").asText().equals("RUNNING")
          && tasks.path("running").asInt() == tasks.path("total").asInt()) {
        return Optional.of(job);
      }
    }
    return Optional.empty();
  }

  private JsonNode rest(String jobManager, String path) throws Exception {
    return json.readTree(Podman.httpGet(jobManager, REST_PORT, path));
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
