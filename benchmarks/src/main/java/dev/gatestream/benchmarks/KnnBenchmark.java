package dev.gatestream.benchmarks;

import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import dev.gatestream.policy.learning.ExpertFeedback;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import dev.gatestream.policy.learning.PolicyLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The knn gate's decision (8 neighbours, ε-greedy on top as configured by default) over a snapshot
 * that summarizes 10,000 stored examples, and the learner's publication of such a snapshot (one
 * k-means assignment pass and Lloyd step, warm-started). Features come from 64 Gaussian clusters,
 * so the centroids mean something; decisions draw them in turn from a pool. Target: 50 µs per
 * decision at 384 dimensions.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class KnnBenchmark {

  private static final int STORED = 10_000;
  private static final int CLUSTERS = 64;
  private static final int FEATURE_POOL = 1024;

  @Param({"65", "384"})
  public int dimension;

  @Param({"7", "49"})
  public int experts;

  private PolicyLearner learner;
  private Gate gate;
  private float[][] features;
  private RoutingInput input;
  private SplittableRandom random;
  private long version;
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom setupRandom = new SplittableRandom(7);
    float[][] centres = new float[CLUSTERS][];
    for (int c = 0; c < CLUSTERS; c++) {
      centres[c] = gaussian(setupRandom, null, 1);
    }
    List<String> names = new ArrayList<>();
    List<Expert> pool = new ArrayList<>();
    for (int e = 0; e < experts; e++) {
      names.add("expert-" + e);
      pool.add(new Expert("expert-" + e, 0.0005 * (e + 1)));
    }
    learner = new PolicyLearner(LearnerSettings.defaults(LearnerKind.KNN, dimension), names);
    for (int i = 0; i < STORED; i++) {
      int cluster = setupRandom.nextInt(CLUSTERS);
      int expert = setupRandom.nextInt(experts);
      double quality = (cluster + expert) % 3 == 0 ? 1 : setupRandom.nextDouble() * 0.5;
      learner.update(
          gaussian(setupRandom, centres[cluster], 0.3),
          List.of(
              new ExpertFeedback(names.get(expert), quality, quality, 1, 0.0005 * (expert + 1))));
    }
    Map<String, double[]> blocks = learner.parameters(++version);
    gate =
        Gates.create(
            GateSpec.knn(1, 8, 0.1, 0).withEpsilonGreedy(0.05).withExplorationDecay(1000, 5),
            pool,
            dimension,
            new WeightsSnapshot("bench", version, learner.experts(), dimension, blocks));
    features = new float[FEATURE_POOL][];
    for (int i = 0; i < FEATURE_POOL; i++) {
      features[i] = gaussian(setupRandom, centres[setupRandom.nextInt(CLUSTERS)], 0.3);
    }
    input = new RoutingInput("bench", null, null, null, null);
    random = new SplittableRandom(11);
  }

  private float[] gaussian(SplittableRandom random, float[] centre, double scale) {
    float[] x = new float[dimension];
    for (int j = 0; j < dimension; j++) {
      x[j] = (float) ((centre == null ? 0 : centre[j]) + scale * random.nextGaussian());
    }
    return x;
  }

  @Benchmark
  public Selection decision() {
    next = (next + 1) & (FEATURE_POOL - 1);
    return gate.select(input, features[next], random);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Map<String, double[]> publication() {
    return learner.parameters(++version);
  }
}
