package dev.gatestream.app.replay;

import dev.gatestream.app.score.InFlightWindow;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.gateway.client.Outcome;
import dev.gatestream.gateway.client.ReplyRoute;
import dev.gatestream.gateway.client.RequestReplyClient;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays traffic through a live pipeline: sends each item as a request (paced by a window of
 * requests in flight, sized from the pipeline's throughput unless fixed, and by a rate or the
 * original timing), reads its fused result, and produces the feedback known for it (after a delay,
 * or never for a share of them), so the adaptation job learns as it would from real users. Measures
 * the routed quality against the baselines, and how stale the weights that routed each request
 * were: how many examples of feedback sent before the request its weights had not learned.
 */
public final class ReplayDriver implements AutoCloseable {

  private static final Duration LOST_AFTER = Duration.ofSeconds(30);
  private static final Duration LEARNER_SILENT = Duration.ofSeconds(10);

  private final Topics topics;
  private final ReplayOptions options;
  private final int bucketSize;
  private final InFlightWindow window;
  private final RequestReplyClient<Sent> requests;
  private final KafkaProducer<String, Feedback> feedback;
  private final ScheduledExecutorService feedbackTimer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "gatestream-replay-feedback");
            thread.setDaemon(true);
            return thread;
          });
  private final SplittableRandom random;
  private final LearnedExamples learned;
  private final AtomicLong feedbackSent = new AtomicLong();
  private long learnedSoFar;
  private long learnedChangedAtNanos = System.nanoTime();

  /**
   * @param policy whose published weights tell how far learning has come
   */
  public ReplayDriver(
      Topics topics,
      GatestreamSerdes serdes,
      KafkaClients clients,
      ReplayOptions options,
      int bucketSize,
      String runId,
      String policy) {
    this.topics = topics;
    this.options = options;
    this.bucketSize = bucketSize;
    this.random = new SplittableRandom(options.seed());
    this.window = InFlightWindow.of(options.window(), System::nanoTime);
    String clientId = clients.ids().job("replay", runId);
    Map<String, Object> lowLatency = Map.of(ProducerConfig.LINGER_MS_CONFIG, 2);
    // No replyTo: the results are read on the shared topic, where the adaptation job reads them
    // too.
    // Requests are never given up on one by one: a replay that gets no results stops as stalled.
    requests =
        RequestReplyClient.open(
            clients,
            serdes,
            topics,
            new RequestReplyClient.Settings(
                clientId + "-requests",
                ReplyRoute.sharedResults(),
                window.ceiling(),
                LOST_AFTER,
                lowLatency,
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20)),
            Clock.systemUTC());
    KafkaProducer<String, Feedback> feedbackProducer;
    try {
      feedbackProducer =
          clients.producer(
              clientId + "-feedback",
              lowLatency,
              new StringSerializer(),
              serdes.valueSerde(topics.feedback()).serializer());
    } catch (RuntimeException e) {
      requests.close();
      throw e;
    }
    feedback = feedbackProducer;
    try {
      learned = new LearnedExamples(topics, serdes, clients, runId, policy);
    } catch (RuntimeException e) {
      requests.close();
      feedback.close();
      throw e;
    }
  }

  /**
   * A request in flight.
   *
   * @param feedbackBefore feedback records produced before it was sent
   */
  private record Sent(ReplayItem item, long feedbackBefore) {}

  /**
   * Whether the learner is close enough behind the feedback for another request to go. A learner
   * that stopped learning (nothing new published for LEARNER_SILENT) does not hold the replay
   * forever.
   */
  private boolean learningKeepsUp() {
    if (options.maxLearningLag() == 0) {
      return true;
    }
    long now = learned.poll();
    if (now != learnedSoFar) {
      learnedSoFar = now;
      learnedChangedAtNanos = System.nanoTime();
    }
    return feedbackSent.get() - learnedSoFar < options.maxLearningLag()
        || System.nanoTime() - learnedChangedAtNanos > LEARNER_SILENT.toNanos();
  }

  /**
   * Replays the items as one segment.
   *
   * @param baselines what the segment's simple policies score, for the report
   * @param onBucket called with each completed bucket of {@code bucketSize} results
   */
  public ReplayReport.Segment replay(
      String name,
      List<? extends ReplayItem> items,
      ReplayReport.Baselines baselines,
      Consumer<ReplayReport.Bucket> onBucket) {
    Tally total = new Tally();
    Tally bucket = new Tally();
    Tally secondHalf = new Tally(); // how a controller holds a target once settled
    List<ReplayReport.Bucket> buckets = new ArrayList<>();
    Map<String, Long> completeness = new TreeMap<>();
    long examplesBehind = 0;
    long mostExamplesBehind = 0;
    int largestWindow = 0;
    long start = System.nanoTime();
    long lastProgress = System.nanoTime();
    int next = 0;
    int done = 0;
    while (done < items.size()) {
      largestWindow = Math.max(largestWindow, window.limit());
      while (next < items.size()
          && requests.inFlight() < window.limit()
          && due(items.get(next), next, start)
          && learningKeepsUp()) {
        ReplayItem item = items.get(next++);
        requests.send(
            item.request(), options.deadline().toMillis(), new Sent(item, feedbackSent.get()));
      }
      List<Outcome<Sent>> outcomes = requests.poll(Duration.ofMillis(10));
      if (!outcomes.isEmpty()) {
        learned.poll(); // the versions that routed these, as far as they are published
      }
      for (Outcome<Sent> outcome : outcomes) {
        if (!(outcome instanceof Outcome.Answered<Sent> answered)) {
          throw new KafkaException(
              "replay of " + name + " lost request " + outcome.requestId() + ": " + lost(outcome));
        }
        ReplayItem item = answered.tag().item();
        FusedResult result = answered.result();
        window.completed(result.getLatencyMs());
        long behind =
            Math.max(
                0, answered.tag().feedbackBefore() - learned.examplesIn(result.getPolicyVersion()));
        examplesBehind += behind;
        mostExamplesBehind = Math.max(mostExamplesBehind, behind);
        double quality = item.quality(result);
        total.add(result, quality);
        bucket.add(result, quality);
        if (done >= items.size() / 2) {
          secondHalf.add(result, quality);
        }
        completeness.merge(result.getCompleteness().name(), 1L, Long::sum);
        scheduleFeedback(item, result, quality);
        done++;
        lastProgress = System.nanoTime();
        if (bucket.requests == bucketSize || done == items.size()) {
          ReplayReport.Bucket completed =
              bucket.toBucket(done - bucket.requests, result.getPolicyVersion());
          buckets.add(completed);
          onBucket.accept(completed);
          bucket = new Tally();
        }
      }
      if (System.nanoTime() - lastProgress > options.deadline().plus(LOST_AFTER).toNanos()
          && requests.inFlight() > 0) {
        throw new KafkaException(
            "replay of "
                + name
                + " stalled: "
                + requests.inFlight()
                + " requests without a"
                + " fused result after "
                + options.deadline().plus(LOST_AFTER).toSeconds()
                + "s (is the pipeline running?)");
      }
    }
    requests.flush();
    double seconds = (System.nanoTime() - start) / 1e9;
    ReplayReport.Pace pace =
        new ReplayReport.Pace(
            seconds,
            items.size() / seconds,
            items.isEmpty() ? 0 : (double) examplesBehind / items.size(),
            mostExamplesBehind,
            largestWindow);
    return new ReplayReport.Segment(
            name,
            items.size(),
            total.rated,
            total.quality(),
            total.cost(),
            secondHalf.cost(),
            total.share(),
            baselines,
            buckets,
            completeness)
        .withPace(pace);
  }

  /**
   * Why a request has no result: only sends and reading fail here, nothing is refused or given up.
   */
  private static String lost(Outcome<Sent> outcome) {
    if (outcome instanceof Outcome.NotSent<Sent> notSent) {
      return "cannot send it: " + notSent.error().getMessage();
    }
    if (outcome instanceof Outcome.Unreadable<Sent> unreadable) {
      return "cannot read its fused result: " + unreadable.error().getMessage();
    }
    return outcome.getClass().getSimpleName();
  }

  /** Whether the next item may go: the rate allows it, or its original time (sped up) has come. */
  private boolean due(ReplayItem item, int sent, long startNanos) {
    double elapsedMs = (System.nanoTime() - startNanos) / 1e6;
    if (options.originalTiming()) {
      return elapsedMs * options.speedup() >= item.originalOffsetMs();
    }
    return options.ratePerSecond() == 0 || sent < elapsedMs / 1000 * options.ratePerSecond() + 1;
  }

  private void scheduleFeedback(ReplayItem item, FusedResult result, double quality) {
    if (random.nextDouble() < options.feedbackLoss()) {
      return;
    }
    Runnable send =
        () ->
            item.feedback(result, quality, System.currentTimeMillis())
                .ifPresent(
                    record -> {
                      feedback.send(
                          new ProducerRecord<>(topics.feedback().name(), item.id(), record));
                      feedbackSent.incrementAndGet();
                    });
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
      feedbackTimer.awaitTermination(
          options.feedbackDelay().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requests.close();
    feedback.close(Duration.ofSeconds(10));
    learned.close();
  }

  /**
   * Running sums of quality, cost and expert share; quality over the results whose quality is
   * known.
   */
  private static final class Tally {
    int requests;
    int rated;
    double quality;
    double cost;
    final Map<String, Integer> chosen = new TreeMap<>();

    void add(FusedResult result, double resultQuality) {
      requests++;
      if (!Double.isNaN(resultQuality)) {
        rated++;
        quality += resultQuality;
      }
      cost += result.getTotalCost();
      result.getExpected().forEach(expert -> chosen.merge(expert, 1, Integer::sum));
    }

    double quality() {
      return rated == 0 ? Double.NaN : quality / rated;
    }

    double cost() {
      return requests == 0 ? 0 : cost / requests;
    }

    Map<String, Double> share() {
      Map<String, Double> share = new TreeMap<>();
      chosen.forEach(
          (expert, count) -> share.put(expert, requests == 0 ? 0 : (double) count / requests));
      return share;
    }

    ReplayReport.Bucket toBucket(int from, long policyVersion) {
      return new ReplayReport.Bucket(
          from, requests, rated, quality(), cost(), share(), policyVersion);
    }
  }
}
