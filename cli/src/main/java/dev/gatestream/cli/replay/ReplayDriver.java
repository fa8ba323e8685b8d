package dev.gatestream.cli.replay;

import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays logged traffic through a live pipeline: sends each logged query as a request (paced by a
 * window of requests in flight and an optional rate), reads its fused result, and produces the feedback
 * the log holds for the experts that were chosen (after a delay, or never for a share of them), so the
 * adaptation job learns as it would from real users. Measures the routed quality against the baselines.
 */
public final class ReplayDriver implements AutoCloseable {

  private static final Duration LOST_AFTER = Duration.ofSeconds(30);

  private final Topics topics;
  private final ReplayOptions options;
  private final int bucketSize;
  private final KafkaProducer<String, InferenceRequest> requests;
  private final KafkaProducer<String, Feedback> feedback;
  private final KafkaConsumer<String, FusedResult> results;
  private final ScheduledExecutorService feedbackTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "gatestream-replay-feedback");
    thread.setDaemon(true);
    return thread;
  });
  private final SplittableRandom random;

  public ReplayDriver(Topics topics, GatestreamSerdes serdes, String bootstrapServers, ReplayOptions options,
      int bucketSize, String consumerGroup) {
    this.topics = topics;
    this.options = options;
    this.bucketSize = bucketSize;
    this.random = new SplittableRandom(options.seed());
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    requests = new KafkaProducer<>(producerProps, new StringSerializer(), serdes.valueSerde(topics.requests()).serializer());
    feedback = new KafkaProducer<>(producerProps, new StringSerializer(), serdes.valueSerde(topics.feedback()).serializer());
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    results = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
        serdes.valueSerde(topics.fusedResults()).deserializer());
    results.subscribe(Set.of(topics.fusedResults().name()));
    // Join the group and take positions now, so no result of ours slips past before we read.
    while (results.assignment().isEmpty()) {
      results.poll(Duration.ofMillis(100));
    }
    results.assignment().forEach(results::position);
  }

  /**
   * Replays the rows as one segment.
   *
   * @param onBucket called with each completed bucket of {@code bucketSize} results
   */
  public ReplayReport.Segment replay(String name, List<Row> rows, Baselines baselines,
      Consumer<ReplayReport.Bucket> onBucket) {
    Map<String, Row> inFlight = new HashMap<>();
    Tally total = new Tally();
    Tally bucket = new Tally();
    List<ReplayReport.Bucket> buckets = new ArrayList<>();
    Map<String, Long> completeness = new TreeMap<>();
    long start = System.nanoTime();
    long lastProgress = System.nanoTime();
    int next = 0;
    int done = 0;
    while (done < rows.size()) {
      while (next < rows.size() && inFlight.size() < options.window() && rateAllows(next, start)) {
        Row row = rows.get(next++);
        inFlight.put(row.id(), row);
        send(row);
      }
      for (ConsumerRecord<String, FusedResult> record : results.poll(Duration.ofMillis(10))) {
        Row row = inFlight.remove(record.key());
        if (row == null) {
          continue; // not one of ours (another replay's, or an earlier segment's)
        }
        FusedResult result = record.value();
        double quality = qualityOf(result);
        total.add(result, quality);
        bucket.add(result, quality);
        completeness.merge(result.getCompleteness().name(), 1L, Long::sum);
        scheduleFeedback(row, result, quality);
        done++;
        lastProgress = System.nanoTime();
        if (bucket.requests == bucketSize || done == rows.size()) {
          ReplayReport.Bucket completed = bucket.toBucket(done - bucket.requests, result.getPolicyVersion());
          buckets.add(completed);
          onBucket.accept(completed);
          bucket = new Tally();
        }
      }
      if (System.nanoTime() - lastProgress > options.deadline().plus(LOST_AFTER).toNanos()) {
        throw new KafkaException("replay of " + name + " stalled: " + inFlight.size() + " requests without a"
            + " fused result after " + options.deadline().plus(LOST_AFTER).toSeconds() + "s (is the pipeline running?)");
      }
    }
    requests.flush();
    return new ReplayReport.Segment(name, rows.size(), total.quality(), total.cost(), total.share(),
        baselines.singleExperts(rows), baselines.uniformRandom(rows), baselines.oracle(rows), buckets, completeness);
  }

  private boolean rateAllows(int sent, long startNanos) {
    return options.ratePerSecond() == 0
        || sent < (System.nanoTime() - startNanos) / 1e9 * options.ratePerSecond() + 1;
  }

  private void send(Row row) {
    long now = System.currentTimeMillis();
    requests.send(new ProducerRecord<>(topics.requests().name(), row.id(), InferenceRequest.newBuilder()
        .setId(row.id()).setCreatedAtMs(now).setTask(row.task()).setText(row.prompt())
        .setDeadlineMs(now + options.deadline().toMillis()).build()));
  }

  /** The fused answer's quality: replay experts answer with their logged quality, fused into a score. */
  static double qualityOf(FusedResult result) {
    return result.getOutput() instanceof Score score ? score.getValue() : 0.0;
  }

  private void scheduleFeedback(Row row, FusedResult result, double quality) {
    if (random.nextDouble() < options.feedbackLoss()) {
      return;
    }
    Map<String, Double> rewards = new LinkedHashMap<>();
    for (String expert : result.getExpected()) {
      double logged = row.quality(expert);
      if (!Double.isNaN(logged)) {
        rewards.put(expert, logged); // only what the chosen experts did is observable
      }
    }
    Runnable send = () -> feedback.send(new ProducerRecord<>(topics.feedback().name(), row.id(),
        Feedback.newBuilder().setRequestId(row.id()).setReward(quality).setExpertRewards(rewards)
            .setObservedAtMs(System.currentTimeMillis()).build()));
    if (options.feedbackDelay().isZero()) {
      send.run();
    } else {
      feedbackTimer.schedule(send, options.feedbackDelay().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    feedbackTimer.shutdown();
    try {
      feedbackTimer.awaitTermination(options.feedbackDelay().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requests.close(Duration.ofSeconds(10));
    feedback.close(Duration.ofSeconds(10));
    results.close();
  }

  /** Running sums of quality, cost and expert share. */
  private static final class Tally {
    int requests;
    double quality;
    double cost;
    final Map<String, Integer> chosen = new TreeMap<>();

    void add(FusedResult result, double resultQuality) {
      requests++;
      quality += resultQuality;
      cost += result.getTotalCost();
      result.getExpected().forEach(expert -> chosen.merge(expert, 1, Integer::sum));
    }

    double quality() {
      return requests == 0 ? 0 : quality / requests;
    }

    double cost() {
      return requests == 0 ? 0 : cost / requests;
    }

    Map<String, Double> share() {
      Map<String, Double> share = new TreeMap<>();
      chosen.forEach((expert, count) -> share.put(expert, requests == 0 ? 0 : (double) count / requests));
      return share;
    }

    ReplayReport.Bucket toBucket(int from, long policyVersion) {
      return new ReplayReport.Bucket(from, requests, quality(), cost(), share(), policyVersion);
    }
  }
}
