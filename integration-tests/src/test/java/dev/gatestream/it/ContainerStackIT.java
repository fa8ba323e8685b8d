package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.ContainerImages;
import dev.gatestream.it.harness.Podman;
import dev.gatestream.it.harness.PodmanStack;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images, started: broker, registry, router, fusion, two replay experts and the gateway run as
 * containers of the locally built images (mvn -Pimages), configured by a mounted settings file and
 * environment variables only. 1,000 requests pass through the gateway's HTTP API while the fusion
 * container is killed with SIGKILL and started again; every request must get its answer and exactly
 * one fused result. Runs only in the images profile, where a missing podman fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerStackIT {

  private static final int REQUESTS = 1_000;
  private static final int IN_FLIGHT = 16;
  private static final int KILL_AFTER_ANSWERS = 300;
  private static final String TOKEN = "container-it-token";
  private static final String HOME = "/home/gatestream/";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, Duration> startTimes = new LinkedHashMap<>();
  private final Map<String, Integer> metricsPorts = new HashMap<>();
  private PodmanStack stack;
  private String run;
  private GatestreamConfig config;
  private List<String> experts;
  private int gatewayPort;
  private List<String> mounts;

  @BeforeAll
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void startContainers(@TempDir Path dir) throws Exception {
    run = TestNames.unique("cs");
    stack = PodmanStack.start(run);
    startTimes.putAll(stack.startTimes());

    experts = List.of("org0/model-0.5b", "org1/model-1.5b");
    Path log = dir.resolve("replay.csv");
    SyntheticRoutingLog.write(log, experts, REQUESTS, "r", 7);
    Map<String, String> settings = new TreeMap<>();
    settings.put(GatestreamConfig.BOOTSTRAP, stack.internalBootstrap());
    settings.put(GatestreamConfig.REGISTRY_URL, stack.internalRegistryUrl());
    settings.put(GatestreamConfig.TOPIC_PREFIX, run + "-");
    settings.put(GatestreamConfig.TOPIC_PARTITIONS, "4");
    settings.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    settings.put(GatestreamConfig.EXPERTS_REPLAY_LOG, HOME + "replay.csv");
    settings.put(GatestreamConfig.ROUTER_FEATURES, "hashed");
    settings.put(GatestreamConfig.ROUTER_FEATURE_DIMENSION, "64");
    // Top-2 of two experts: every request waits for both, so a lost result would show.
    settings.put(GatestreamConfig.ROUTER_GATE, "softmax-top-k");
    settings.put(GatestreamConfig.ROUTER_GATE_K, "2");
    Path settingsFile = dir.resolve("gatestream.properties");
    Properties properties = new Properties();
    properties.putAll(settings);
    try (Writer out = Files.newBufferedWriter(settingsFile)) {
      properties.store(out, "ContainerStackIT " + run);
    }
    // The test JVM's view: same settings, the broker through its published port.
    Map<String, String> hostView = new HashMap<>(settings);
    hostView.put(GatestreamConfig.BOOTSTRAP, stack.endpoints().bootstrapServers());
    hostView.put(GatestreamConfig.REGISTRY_URL, stack.endpoints().registryUrl());
    config = new ConfigLoader(Map.of()).load(null, hostView);
    try (Admin admin = clients().admin(run + "-admin")) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(Topics.from(config).all(experts));
    }

    mounts =
        List.of(
            "-v", settingsFile + ":" + HOME + "gatestream.properties:ro",
            "-v", log + ":" + HOME + "replay.csv:ro");
    startStage("router", ContainerImages.gatestream("router"), List.of());
    startStage("fusion", ContainerImages.gatestream("fusion"), List.of());
    for (int i = 0; i < experts.size(); i++) {
      // The expert image takes the expert's name; its backend is the replay log of the settings.
      startStage("expert-" + i, ContainerImages.gatestream("expert"), List.of(experts.get(i)));
    }
    gatewayPort = PodmanStack.freePort();
    List<String> gatewayOptions = new ArrayList<>(mounts);
    gatewayOptions.addAll(
        List.of("-p", "127.0.0.1:" + gatewayPort + ":" + ContainerImages.GATEWAY_PORT));
    long started = System.nanoTime();
    stack.run(
        container("gateway"),
        ContainerImages.gatestream("gateway"),
        gatewayOptions,
        // A setting from the environment, as a Kubernetes Secret would pass it.
        Map.of(
            GatestreamConfig.environmentVariable(GatestreamConfig.GATEWAY_AUTH_TOKENS),
            "it:" + TOKEN),
        List.of());
    PodmanStack.awaitHttpOk(container("gateway"), gatewayUrl("/v1/health"), READY_TIMEOUT);
    startTimes.put("gateway", Duration.ofNanos(System.nanoTime() - started));
    // Started one after the other: all of them still healthy once the last one is.
    for (String stage : metricsPorts.keySet()) {
      PodmanStack.awaitHttpOk(container(stage), healthUrl(stage), READY_TIMEOUT);
    }
    System.out.println("[container-it] " + stack.describe());
    System.out.println(
        "[container-it] start to ready (podman run until it answers): " + seconds(startTimes));
    System.out.println("[container-it] image sizes: " + imageSizes());
  }

  /** Starts router, fusion or an expert and waits until its /health says it is healthy. */
  private void startStage(String stage, String image, List<String> args) {
    int port = PodmanStack.freePort();
    metricsPorts.put(stage, port);
    List<String> options = new ArrayList<>(mounts);
    options.addAll(List.of("-p", "127.0.0.1:" + port + ":" + ContainerImages.STAGE_METRICS_PORT));
    long started = System.nanoTime();
    // Static membership, as a StatefulSet's pod name gives it: a restarted stage takes its
    // partitions back at once instead of waiting out its killed self's session.
    stack.run(
        container(stage),
        image,
        options,
        Map.of(GatestreamConfig.environmentVariable(GatestreamConfig.CLIENT_INSTANCE_ID), stage),
        args);
    PodmanStack.awaitHttpOk(container(stage), healthUrl(stage), READY_TIMEOUT);
    startTimes.put(stage, Duration.ofNanos(System.nanoTime() - started));
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void everyRequestThroughTheGatewayIsFusedExactlyOnceAcrossAFusionKill() throws Exception {
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    AtomicInteger answered = new AtomicInteger();
    Map<String, HttpResponse<String>> responses = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    long started = System.nanoTime();
    long killedAt = 0;
    int answeredBeforeKill = 0;
    for (int i = 0; i < REQUESTS; i++) {
      if (killedAt == 0 && answered.get() >= KILL_AFTER_ANSWERS) {
        answeredBeforeKill = answered.get();
        killedAt = System.nanoTime();
        Podman.call("kill", "-s", "KILL", container("fusion"));
        Podman.call("start", container("fusion"));
      }
      inFlight.acquire();
      String id = "r" + i;
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(gatewayUrl("/v1/infer")))
              .timeout(Duration.ofMinutes(3))
              .header("Authorization", "Bearer " + TOKEN)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      json.writeValueAsString(
                          Map.of(
                              "id",
                              id,
                              "text",
                              "question number " + i,
                              "task",
                              "task-" + (i % 5),
                              "deadlineMs",
                              120_000))))
              .build();
      calls.add(
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    if (response != null) {
                      responses.put(id, response);
                    }
                    answered.incrementAndGet();
                    inFlight.release();
                  }));
    }
    assertThat(killedAt).as("fusion was killed mid-run").isPositive();
    long killed = killedAt;
    Duration fusionBack =
        Await.until(
            "fusion healthy again after its kill",
            READY_TIMEOUT,
            () ->
                healthy("fusion")
                    ? Optional.of(Duration.ofNanos(System.nanoTime() - killed))
                    : Optional.empty());
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .handle((ok, error) -> null)
        .get(8, TimeUnit.MINUTES);
    Duration run = Duration.ofNanos(System.nanoTime() - started);

    Map<Integer, Long> statuses =
        responses.values().stream()
            .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    Map<String, Long> completeness = new TreeMap<>();
    for (Map.Entry<String, HttpResponse<String>> entry : responses.entrySet()) {
      if (entry.getValue().statusCode() == 200) {
        JsonNode body = json.readTree(entry.getValue().body());
        assertThat(body.get("requestId").asText()).isEqualTo(entry.getKey());
        completeness.merge(body.get("completeness").asText(), 1L, Long::sum);
      }
    }
    Map<String, Integer> fused = fusedResultsPerRequest();
    long duplicated = fused.values().stream().filter(n -> n > 1).count();
    long lost = REQUESTS - fused.size();
    System.out.printf(
        "[container-it] %d requests through the gateway in %.1f s (%.0f/s), %d in flight; fusion"
            + " killed (SIGKILL) after %d answers and started again: healthy %.1f s after the kill;"
            + " HTTP statuses %s, completeness %s; fused results: %d ids, %d lost, %d duplicated%n",
        REQUESTS,
        run.toMillis() / 1000.0,
        REQUESTS * 1000.0 / run.toMillis(),
        IN_FLIGHT,
        answeredBeforeKill,
        fusionBack.toMillis() / 1000.0,
        statuses,
        completeness,
        fused.size(),
        lost,
        duplicated);

    assertThat(statuses).as("every request answered 200").isEqualTo(Map.of(200, (long) REQUESTS));
    assertThat(fused)
        .as("exactly one fused result per request id")
        .hasSize(REQUESTS)
        .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
  }

  @Test
  @Order(2)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void everyStageStopsOnSigtermWithExitCodeZero() {
    Map<String, Duration> stopTimes = new LinkedHashMap<>();
    Map<String, String> exitCodes = new LinkedHashMap<>();
    for (String stage : List.of("gateway", "expert-0", "expert-1", "fusion", "router")) {
      long started = System.nanoTime();
      // podman stop: SIGTERM, then SIGKILL only if the stage is still running 30 s later.
      Podman.call("stop", "-t", "30", container(stage));
      stopTimes.put(stage, Duration.ofNanos(System.nanoTime() - started));
      exitCodes.put(
          stage, Podman.call("inspect", "--format", "{{.State.ExitCode}}", container(stage)));
    }
    System.out.println(
        "[container-it] SIGTERM to exit: " + seconds(stopTimes) + "; exit codes " + exitCodes);
    assertThat(exitCodes).allSatisfy((stage, code) -> assertThat(code).as(stage).isEqualTo("0"));
    assertThat(stopTimes)
        .allSatisfy((stage, took) -> assertThat(took).as(stage).isLessThan(Duration.ofSeconds(30)));
  }

  /** Fused results per request id, read committed from the beginning to the end of the topic. */
  private Map<String, Integer> fusedResultsPerRequest() {
    Topics topics = Topics.from(config);
    GatestreamSerdes serdes = GatestreamSerdes.registry(stack.endpoints().registryUrl(), false);
    Map<String, Integer> perId = new HashMap<>();
    try (KafkaConsumer<String, FusedResult> reader =
        clients()
            .consumer(
                run + "-reader",
                null,
                Map.of(),
                new StringDeserializer(),
                serdes.valueSerde(topics.fusedResults()).deserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < topics.fusedResults().partitions(); p++) {
        partitions.add(new TopicPartition(topics.fusedResults().name(), p));
      }
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = reader.endOffsets(partitions);
      Await.untilTrue(
          "the fused results read to their end offsets " + end,
          Duration.ofMinutes(1),
          () -> {
            for (ConsumerRecord<String, FusedResult> record : reader.poll(Duration.ofMillis(200))) {
              perId.merge(record.value().getRequestId().toString(), 1, Integer::sum);
            }
            return partitions.stream().allMatch(p -> reader.position(p) >= end.get(p));
          });
    }
    return perId;
  }

  private boolean healthy(String stage) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(healthUrl(stage)))
                      .timeout(Duration.ofSeconds(3))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private KafkaClients clients() {
    return new KafkaClients(config, stack.endpoints().bootstrapServers());
  }

  private String container(String stage) {
    return run + "-" + stage;
  }

  private String healthUrl(String stage) {
    return "http://127.0.0.1:" + metricsPorts.get(stage) + "/health";
  }

  private String gatewayUrl(String path) {
    return "http://127.0.0.1:" + gatewayPort + path;
  }

  private static String seconds(Map<String, Duration> times) {
    return times.entrySet().stream()
        .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue().toMillis() / 1000.0))
        .collect(Collectors.joining(", "));
  }

  private static String imageSizes() {
    return List.of("router", "fusion", "expert", "gateway", "adaptation", "broker", "registry")
        .stream()
        .map(
            name ->
                String.format(
                    "%s %d MB",
                    name, Podman.imageSize(ContainerImages.gatestream(name)) / 1_000_000))
        .collect(Collectors.joining(", "));
  }
}
