package dev.gatestream.app.bench;

import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.ClientIds;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The end-to-end benchmark. In one run, on the same topic layout and delivery guarantee, it
 * measures four chains from the physical limit up: raw Kafka (a producer, a consumer), a raw Kafka
 * Streams chain of the pipeline's three hops copying bytes, the Avro pass-through chain of the same
 * hops, and the full pipeline (router, replay experts, fusion). Each gets fresh topics, a warm-up,
 * a burst (throughput, and the records each topic took per request), and a steady rate (latency
 * percentiles). Every wait is bounded: a chain whose results stop coming fails the bench with the
 * stage that stopped making progress.
 */
public final class EndToEndBench {

  /**
   * The bench's knobs.
   *
   * @param profiles pipeline profiles to measure every chain under, e.g. exactly-once
   * @param scratch where the bench's work directory (the generated log, state stores) goes; it is
   *     deleted when the bench ends
   */
  public record Options(
      int experts,
      int warmup,
      int burst,
      int ratePerSecond,
      Duration steady,
      List<String> profiles,
      Path scratch) {}

  private static final int K = 2;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  // Longer than a request's deadline: fusion must have emitted everything by then, whatever the
  // load.
  private static final Duration STALL = DEADLINE.plusSeconds(15);
  private static final Duration PHASE_BOUND = Duration.ofMinutes(4);
  private static final String DEAD_LETTERS = "dead-letters";

  private final GatestreamConfig base;
  private final String bootstrapServers;
  private final String registryUrl;
  private final Options options;
  private final BenchListener listener;

  public EndToEndBench(
      GatestreamConfig base,
      String bootstrapServers,
      String registryUrl,
      Options options,
      BenchListener listener) {
    this.base = base;
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.options = options;
    this.listener = listener;
  }

  /** One report per profile, in the order of the options. */
  public List<BenchReport> run() throws IOException, InterruptedException {
    try (WorkDirectory work = WorkDirectory.create(options.scratch(), "gatestream-bench")) {
      List<String> experts = new ArrayList<>();
      for (int i = 0; i < options.experts(); i++) {
        experts.add("bench/expert-" + i);
      }
      int steadyRequests =
          (int) (options.ratePerSecond() * options.steady().toSeconds() * 1.1) + 100;
      int rows = options.warmup() + options.burst() + steadyRequests;
      Path log = work.path().resolve("bench-log.csv");
      SyntheticRoutingLog.write(log, experts, rows, "b", 11);

      String run = Long.toString(System.currentTimeMillis(), 36);
      List<BenchReport> reports = new ArrayList<>();
      for (String profile : options.profiles()) {
        List<BenchReport.ChainResult> chains = new ArrayList<>();
        for (String chain :
            List.of(
                BenchReport.KAFKA,
                BenchReport.RAW,
                BenchReport.PASS_THROUGH,
                BenchReport.PIPELINE)) {
          String prefix = "bench-" + run + "-" + abbreviation(profile) + "-" + chain + "-";
          chains.add(
              measure(
                  chain,
                  profile,
                  config(prefix, profile, experts, log, work.path()),
                  experts,
                  work.path()));
        }
        reports.add(
            new BenchReport(
                profile,
                base.getInt(GatestreamConfig.TOPIC_PARTITIONS),
                options.experts(),
                K,
                options.burst(),
                options.ratePerSecond(),
                (int) options.steady().toSeconds(),
                chains));
      }
      return reports;
    }
  }

  private static String abbreviation(String profile) {
    return profile.equals("low-latency") ? "ll" : "eo";
  }

  private GatestreamConfig config(
      String prefix, String profile, List<String> experts, Path log, Path workDir) {
    Map<String, String> values = new HashMap<>();
    base.originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.put(GatestreamConfig.TOPIC_PREFIX, prefix);
    values.put(GatestreamConfig.PIPELINE_PROFILE, profile);
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_FILE, "");
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, log.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, workDir.resolve("state").toString());
    // Its pipelines come and go within one process: no fixed metrics port for them.
    values.put(GatestreamConfig.METRICS_ADAPTATION_PORT, "-1");
    values.put(GatestreamConfig.ROUTER_GATE, "softmax-top-k");
    values.put(GatestreamConfig.ROUTER_GATE_K, String.valueOf(K));
    values.put(GatestreamConfig.ROUTER_EXPLORATION, "temperature");
    return new ConfigLoader(Map.of()).load(null, values);
  }

  private BenchReport.ChainResult measure(
      String chain, String profile, GatestreamConfig config, List<String> experts, Path workDir)
      throws InterruptedException {
    String label = chain + " (" + profile + ")";
    Topics topics = Topics.from(config);
    List<TopicSpec<?, ?>> catalogue = topics.all(experts);
    String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
    listener.topicsCreating(new BenchListener.TopicsCreating(label, catalogue.size(), prefix));
    KafkaClients clients = new KafkaClients(config, bootstrapServers);
    Duration timeout = Duration.ofMillis(config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS));
    try (Admin admin = clients.admin(clients.ids().job("bench", "admin"))) {
      new TopicApplier(admin, timeout).apply(catalogue);
      try (RegistrySerdes serdes = clients.registry(registryUrl).serdes(true);
          AutoCloseable running = start(chain, config, topics, experts, serdes, workDir);
          Load load =
              new Load(
                  clients,
                  clients.ids().job("bench", "load"),
                  topics,
                  requestSerializer(chain, topics, serdes),
                  DEADLINE);
          Collector<?> collector = collector(chain, clients, topics, serdes)) {
        StageLag lag =
            new StageLag(admin, stages(chain, prefix, clients.ids(), topics, experts), timeout);
        EndOffsets offsets = new EndOffsets(admin, prefix, timeout);
        int warmup = options.warmup();
        load.burst("b", 0, warmup);
        await(collector, warmup, label + " warm-up", lag, offsets);
        collector.takeLatencies();

        Map<String, Long> before = offsets.now();
        long start = System.nanoTime();
        load.burst("b", warmup, warmup + options.burst());
        await(collector, warmup + options.burst(), label + " burst", lag, offsets);
        double burstSeconds = (System.nanoTime() - start) / 1e9;
        collector.takeLatencies();
        Map<String, Double> perRequest =
            BenchReport.recordsPerRequest(before, offsets.now(), options.burst());

        int from = warmup + options.burst();
        long steadyStart = System.nanoTime();
        int sent = load.steady("b", from, options.ratePerSecond(), options.steady());
        double steadySeconds = (System.nanoTime() - steadyStart) / 1e9;
        await(collector, from + sent, label + " steady rate", lag, offsets);
        Histogram latencies = collector.takeLatencies();
        BenchReport.ChainResult result =
            BenchReport.ChainResult.of(
                chain, options.burst(), burstSeconds, sent, steadySeconds, latencies, perRequest);
        listener.measured(result);
        return result;
      } catch (InterruptedException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new KafkaException(label + " bench failed: " + e.getMessage(), e);
      } finally {
        // Changelogs and other internal topics go too: everything under the chain's prefix.
        admin.deleteTopics(
            new EndOffsets(admin, prefix, timeout)
                .now().keySet().stream().map(name -> prefix + name).toList());
      }
    }
  }

  /** The raw chains carry opaque bytes of the Avro request's size; the others the Avro request. */
  private static Serializer<InferenceRequest> requestSerializer(
      String chain, Topics topics, RegistrySerdes serdes) {
    Serializer<InferenceRequest> avro = serdes.valueSerde(topics.requests()).serializer();
    if (!isRaw(chain)) {
      return avro;
    }
    int size = avro.serialize(topics.requests().name(), Load.request("b0", 0, 0, DEADLINE)).length;
    return RawPayload.serializer(size);
  }

  private static boolean isRaw(String chain) {
    return chain.equals(BenchReport.KAFKA) || chain.equals(BenchReport.RAW);
  }

  private static Collector<?> collector(
      String chain, KafkaClients clients, Topics topics, RegistrySerdes serdes) {
    String group = clients.ids().job("bench", "collector");
    if (isRaw(chain)) {
      // Raw Kafka is read straight off the requests topic: a producer and a consumer, no hop.
      String topic =
          chain.equals(BenchReport.KAFKA) ? topics.requests().name() : topics.fusedResults().name();
      return new Collector<>(
          clients, topic, new ByteArrayDeserializer(), RawPayload::createdAtMs, group);
    }
    return new Collector<FusedResult>(
        clients,
        topics.fusedResults().name(),
        serdes.valueSerde(topics.fusedResults()).deserializer(),
        result -> result.getEmittedAtMs() - result.getLatencyMs(),
        group);
  }

  /** The consumer groups of a chain's stages and what each reads, to tell which one stalls. */
  private static List<StageLag.Stage> stages(
      String chain, String prefix, ClientIds ids, Topics topics, List<String> experts) {
    List<String> hops =
        List.of(
            topics.requests().name(),
            topics.expertTasks(experts.get(0)).name(),
            topics.expertResults().name());
    List<StageLag.Stage> stages = new ArrayList<>();
    switch (chain) {
      case BenchReport.RAW, BenchReport.PASS_THROUGH -> {
        List<String> names =
            chain.equals(BenchReport.RAW) ? RawStreamsChain.STAGES : PassThroughChain.STAGES;
        for (int i = 0; i < names.size(); i++) {
          stages.add(new StageLag.Stage(names.get(i), prefix + names.get(i), List.of(hops.get(i))));
        }
      }
      case BenchReport.PIPELINE -> {
        stages.add(new StageLag.Stage("router", ids.router(), List.of(topics.requests().name())));
        for (String expert : experts) {
          stages.add(
              new StageLag.Stage(
                  "expert " + expert,
                  ids.expert(expert),
                  List.of(topics.expertTasks(expert).name())));
        }
        stages.add(
            new StageLag.Stage(
                "fusion",
                ids.fusion(),
                List.of(topics.decisions().name(), topics.expertResults().name())));
      }
      default -> {
        // raw Kafka: no stage between the producer and the consumer
      }
    }
    return stages;
  }

  private AutoCloseable start(
      String chain,
      GatestreamConfig config,
      Topics topics,
      List<String> experts,
      RegistrySerdes serdes,
      Path workDir) {
    Path stateDir = workDir.resolve("state");
    return switch (chain) {
      case BenchReport.KAFKA -> () -> {};
      case BenchReport.RAW ->
          new RawStreamsChain(config, topics, experts.get(0), bootstrapServers, stateDir);
      case BenchReport.PASS_THROUGH ->
          new PassThroughChain(config, topics, experts.get(0), serdes, bootstrapServers, stateDir);
      // The data plane only: the adaptation job learns from feedback, which the bench does not
      // produce.
      default ->
          Pipeline.start(
              config,
              bootstrapServers,
              registryUrl,
              ExpertCatalog.load(config, workDir),
              EnumSet.of(Stage.ROUTER, Stage.FUSION, Stage.EXPERTS),
              workDir);
    };
  }

  /**
   * Waits until {@code count} results are in. It fails when none came for {@link #STALL}, naming
   * the stage whose offsets stood still (looked at halfway through the silence and at its end), or
   * when the phase took {@link #PHASE_BOUND}; with the dead letters written so far (offsets,
   * markers included), since what a stage dead-letters never comes out.
   */
  private void await(
      Collector<?> collector, long count, String phase, StageLag lag, EndOffsets offsets)
      throws InterruptedException {
    ProgressWatch watch = new ProgressWatch(System::nanoTime, STALL, PHASE_BOUND);
    long lastTold = System.nanoTime();
    boolean looked = false;
    while (collector.received() < count) {
      long received = collector.received();
      Duration silence = watch.sinceGrowth();
      if (watch.observe(received)) {
        looked = false;
      } else if (!looked && silence.compareTo(STALL.dividedBy(2)) >= 0) {
        lag.diagnose();
        looked = true;
      }
      if (watch.stalled() || watch.overdue()) {
        String why =
            watch.stalled()
                ? "no result for " + silence.toSeconds() + " s"
                : "the phase took " + PHASE_BOUND.toMinutes() + " minutes";
        throw new KafkaException(
            phase + ": " + received + " of " + count + " results, " + why + "; " + lag.diagnose());
      }
      if (System.nanoTime() - lastTold > PROGRESS_EVERY.toNanos()) {
        listener.awaiting(new BenchListener.Awaiting(phase, received, count));
        lastTold = System.nanoTime();
      }
      Thread.sleep(50);
    }
  }
}
