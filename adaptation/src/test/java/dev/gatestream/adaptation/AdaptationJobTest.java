package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.FeedbackRead;
import dev.gatestream.adaptation.events.MalformedRecord;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.adaptation.events.Unjoined;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.ResultEvent.AnswerKind;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a MiniCluster, on in-memory logs of a uniformly random router (propensity 1/4):
 * four contexts, four experts, the best one depends on the context. Every tenth request gets no
 * feedback.
 */
class AdaptationJobTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final int REQUESTS = 4_000;
  private static final int FEEDBACK = REQUESTS * 9 / 10;
  private static final int MALFORMED = 7;
  private static final List<String> EXPERTS = List.of("alpha", "beta", "gamma", "delta");
  private static final double[][] SUCCESS = {
    {0.9, 0.9, 0.3, 0.3},
    {0.3, 0.3, 0.9, 0.5},
    {0.4, 0.4, 0.5, 0.9},
    {0.6, 0.6, 0.6, 0.6}
  };

  /** Request i's context and expert, the same in every source. */
  private static int context(long i) {
    return new SplittableRandom(i).nextInt(4);
  }

  private static int expert(long i) {
    SplittableRandom random = new SplittableRandom(i);
    random.nextInt(4);
    return random.nextInt(4);
  }

  private static DecisionEvent decision(long i) {
    float[] x = new float[4];
    x[context(i)] = 1;
    return new DecisionEvent(
        "r" + i,
        "default",
        0,
        new String[] {EXPERTS.get(expert(i))},
        new double[] {0.25},
        x,
        i * 10 + 1_000,
        i * 10);
  }

  private static ResultEvent result(long i) {
    return new ResultEvent(
        "r" + i,
        EXPERTS.get(expert(i)),
        true,
        AnswerKind.TEXT,
        "answer",
        Double.NaN,
        0,
        i * 10 + 5);
  }

  /** Feedback for every request but each tenth: the k-th feedback is about request k + k/9 + 1. */
  private static FeedbackEvent feedback(long k) {
    long i = k + k / 9 + 1;
    double reward = new SplittableRandom(~i).nextDouble() < SUCCESS[expert(i)][context(i)] ? 1 : 0;
    return new FeedbackEvent("r" + i, reward, null, new String[0], new double[0], i * 10 + 8);
  }

  /** Feedback for the first requests, then records that could not be read. */
  private static FeedbackRead feedbackOrMalformed(long i) {
    if (i < FEEDBACK) {
      return FeedbackRead.of(feedback(i));
    }
    return FeedbackRead.of(
        new MalformedRecord("feedback", 0, i, i, null, new byte[] {1}, "garbage " + i));
  }

  private static <T> DataGeneratorSource<T> source(
      GeneratorFunction<Long, T> generator, long count, Class<T> type) {
    return new DataGeneratorSource<>(generator, count, TypeInformation.of(type));
  }

  /** Expected success of routing each context to the expert the snapshot scores highest. */
  private static double greedyValue(PublishedWeights weights) {
    double value = 0;
    for (int c = 0; c < 4; c++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int e = 0; e < 4; e++) {
        int index = List.of(weights.experts()).indexOf(EXPERTS.get(e));
        double score = weights.block("w:" + EXPERTS.get(e))[c] + weights.block("b")[index];
        if (score > bestScore) {
          best = e;
          bestScore = score;
        }
      }
      value += SUCCESS[best][c] / 4;
    }
    return value;
  }

  @Test
  void learnsWeightsThatRouteEachContextToItsBestExpert() throws Exception {
    AdaptationSettings settings =
        new AdaptationSettings(
            EXPERTS,
            LearnerSettings.defaults(LearnerKind.LINEAR, 4),
            0,
            100,
            60_000,
            60_000,
            1_000);
    CollectSink<PublishedWeights> weights = new CollectSink<>("weights");
    CollectSink<Unjoined> unjoined = new CollectSink<>("unjoined");
    CollectSink<MalformedRecord> deadLetters = new CollectSink<>("dead-letters");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);

    new AdaptationJob(
            settings,
            source(AdaptationJobTest::decision, REQUESTS, DecisionEvent.class),
            source(AdaptationJobTest::result, REQUESTS, ResultEvent.class),
            source(
                AdaptationJobTest::feedbackOrMalformed, FEEDBACK + MALFORMED, FeedbackRead.class),
            // A promotion of a policy this job sees no examples of: nothing to publish for it.
            source(i -> new Adopted("elsewhere", 1, 0, null, null, 0), 1, Adopted.class),
            weights,
            deadLetters,
            Map.of())
        .build(env)
        .sinkTo(unjoined);
    env.execute("adaptation-test");

    List<PublishedWeights> published = weights.collected();
    assertThat(published).hasSizeGreaterThanOrEqualTo(30);
    assertThat(published).extracting(PublishedWeights::version).isSorted().doesNotHaveDuplicates();
    PublishedWeights first = published.get(0);
    PublishedWeights last = published.get(published.size() - 1);
    System.out.printf(
        "MiniCluster: %d snapshots; greedy value of v%d (%d examples) %.3f, of v%d (%d examples) %.3f%n",
        published.size(),
        first.version(),
        first.examples(),
        greedyValue(first),
        last.version(),
        last.examples(),
        greedyValue(last));
    assertThat(last.examples()).isGreaterThan(first.examples());
    assertThat(greedyValue(last)).isEqualTo((0.9 + 0.9 + 0.9 + 0.9) / 4);
    // Under load the first snapshot may already be optimal; it is never better than the last.
    assertThat(greedyValue(last)).isGreaterThanOrEqualTo(greedyValue(first));
    assertThat(unjoined.collected())
        .hasSize(REQUESTS / 10)
        .allSatisfy(one -> assertThat(one.reason()).isEqualTo(Unjoined.Reason.DECISION_EXPIRED));
    assertThat(deadLetters.collected())
        .extracting(MalformedRecord::reason)
        .containsExactlyInAnyOrderElementsOf(
            LongStream.range(FEEDBACK, FEEDBACK + MALFORMED)
                .mapToObj(i -> "garbage " + i)
                .toList());
  }
}
