package dev.gatestream.app.bench;

import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.serdes.GatestreamSerdes;
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

/**
 * The end-to-end benchmark: the full pipeline (router, replay experts, fusion) against a
 * pass-through chain with the same hops, serdes and partitions, both measured in the same run on
 * the same cluster. Each gets fresh topics, a warm-up, a burst (throughput), and a steady rate
 * (latency percentiles).
 */
public final class EndToEndBench {

  /**
   * The bench's knobs.
   *
   * @param scratch where the bench's work directory (the generated log, state stores) goes; it is
   *     deleted when the bench ends
   */
  public record Options(
      int experts, int warmup, int burst, int ratePerSecond, Duration steady, Path scratch) {}

  private static final int K = 2;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

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

  public BenchReport run() throws IOException, InterruptedException {
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
      BenchReport.SystemResult passThrough =
          measure(
              "pass-through",
              config("bench-" + run + "-pass-", experts, log, work.path()),
              experts,
              true,
              work.path());
      BenchReport.SystemResult pipeline =
          measure(
              "pipeline",
              config("bench-" + run + "-pipe-", experts, log, work.path()),
              experts,
              false,
              work.path());
      return new BenchReport(
          base.getInt(GatestreamConfig.TOPIC_PARTITIONS),
          options.experts(),
          K,
          options.burst(),
          options.ratePerSecond(),
          (int) options.steady().toSeconds(),
          List.of(passThrough, pipeline),
          pipeline.throughputPerSecond() / passThrough.throughputPerSecond());
    }
  }

  private GatestreamConfig config(String prefix, List<String> experts, Path log, Path workDir) {
    Map<String, String> values = new HashMap<>();
    base.originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.put(GatestreamConfig.TOPIC_PREFIX, prefix);
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

  private BenchReport.SystemResult measure(
      String system,
      GatestreamConfig config,
      List<String> experts,
      boolean passThrough,
      Path workDir)
      throws InterruptedException {
    Topics topics = Topics.from(config);
    List<TopicSpec<?, ?>> catalogue = topics.all(experts);
    listener.topicsCreating(
        new BenchListener.TopicsCreating(
            system, catalogue.size(), config.getString(GatestreamConfig.TOPIC_PREFIX)));
    KafkaClients clients = new KafkaClients(config, bootstrapServers);
    try (Admin admin = clients.admin(clients.ids().job("bench", "admin"))) {
      new TopicApplier(admin, Duration.ofMillis(config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS)))
          .apply(catalogue);
      try (RegistrySerdes serdes = clients.registry(registryUrl).serdes(true);
          AutoCloseable running = start(config, topics, experts, serdes, passThrough, workDir);
          Load load =
              new Load(
                  clients,
                  clients.ids().job("bench", "load"),
                  topics,
                  serdes.valueSerde(topics.requests()).serializer(),
                  DEADLINE);
          Collector collector =
              new Collector(
                  clients,
                  topics.fusedResults().name(),
                  serdes.valueSerde(topics.fusedResults()).deserializer(),
                  clients.ids().job("bench", "collector"))) {
        int warmup = options.warmup();
        load.burst("b", 0, warmup);
        await(collector, warmup, system + " warm-up");
        collector.takeLatencies();

        long start = System.nanoTime();
        load.burst("b", warmup, warmup + options.burst());
        await(collector, warmup + options.burst(), system + " burst");
        double burstSeconds = (System.nanoTime() - start) / 1e9;
        collector.takeLatencies();

        int from = warmup + options.burst();
        long steadyStart = System.nanoTime();
        int sent = load.steady("b", from, options.ratePerSecond(), options.steady());
        double steadySeconds = (System.nanoTime() - steadyStart) / 1e9;
        await(collector, from + sent, system + " steady rate");
        Histogram latencies = collector.takeLatencies();
        BenchReport.SystemResult result =
            BenchReport.SystemResult.of(
                system, options.burst(), burstSeconds, sent, steadySeconds, latencies);
        listener.measured(result);
        return result;
      } catch (InterruptedException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new KafkaException(system + " bench failed: " + e.getMessage(), e);
      } finally {
        admin.deleteTopics(catalogue.stream().map(TopicSpec::name).toList());
      }
    }
  }

  private AutoCloseable start(
      GatestreamConfig config,
      Topics topics,
      List<String> experts,
      GatestreamSerdes serdes,
      boolean passThrough,
      Path workDir) {
    if (passThrough) {
      return new PassThroughChain(
          config, topics, experts.get(0), serdes, bootstrapServers, workDir.resolve("state"));
    }
    // The data plane only: the adaptation job learns from feedback, which the bench does not
    // produce.
    return Pipeline.start(
        config,
        bootstrapServers,
        registryUrl,
        ExpertCatalog.load(config, workDir),
        EnumSet.of(Stage.ROUTER, Stage.FUSION, Stage.EXPERTS),
        workDir);
  }

  private void await(Collector collector, long count, String phase) throws InterruptedException {
    long[] lastTold = {System.nanoTime()};
    boolean done =
        collector.awaitReceived(
            count,
            Duration.ofMinutes(5),
            () -> {
              if (System.nanoTime() - lastTold[0] > PROGRESS_EVERY.toNanos()) {
                listener.awaiting(new BenchListener.Awaiting(phase, collector.received(), count));
                lastTold[0] = System.nanoTime();
              }
            });
    if (!done) {
      throw new KafkaException(
          phase + ": only " + collector.received() + " of " + count + " results within 5 minutes");
    }
  }
}
