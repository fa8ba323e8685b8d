package dev.gatestream.benchmarks;

import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.features.HashedTextFeaturizer;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import dev.gatestream.policy.gates.SpendController;
import dev.gatestream.policy.gates.SuccessPredictorGate.Mode;
import java.util.ArrayList;
import java.util.HashMap;
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
 * One routing decision (random weights, features drawn in turn from a pool so branch predictors and
 * caches see varied inputs) for 16 experts on 384-dimensional features, and for 49 experts on the
 * default layout's 65 (task 32 + hashed 32 + length 1); and hashed featurization of a 500-character
 * prompt, which does not depend on the layout. The router's budget is 20 µs per decision.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GateBenchmark {

  private static final int FEATURE_POOL = 1024;
  // Mean spend the controller holds, below the mean price (0.0005 × (experts + 1) / 2), so lambda
  // works.
  private static final double SPEND_TARGET = 0.002;
  private static final double SPEND_STEP = 0.02;

  /** Experts × feature dimension. */
  @Param({"16x384", "49x65"})
  public String layout;

  private Gate softmaxTopK;
  private Gate topP;
  private Gate successPredictor;
  private Gate epsilonGreedyTopK;
  private Gate temperatureTopK;
  private Gate banditEpsilon;
  private Gate banditEpsilonSpendTarget;
  private float[][] features;
  private RoutingInput input;
  private SplittableRandom random;
  private int next;

  private HashedTextFeaturizer hashedText;
  private RoutingInput prompt;

  @Setup
  public void setUp() {
    String[] sizes = layout.split("x");
    int expertCount = Integer.parseInt(sizes[0]);
    int dimension = Integer.parseInt(sizes[1]);
    SplittableRandom setupRandom = new SplittableRandom(7);
    List<Expert> experts = new ArrayList<>();
    Map<String, double[]> parameters = new HashMap<>();
    double[] biases = new double[expertCount];
    // What the ridge learner publishes for the bandit gate besides w and b: per-coefficient
    // variances,
    // outcomes per expert (past the exploration's newcomer threshold) and mean cost per call.
    double[] outcomes = new double[expertCount];
    double[] costs = new double[expertCount];
    for (int e = 0; e < expertCount; e++) {
      String name = "expert-" + e;
      experts.add(new Expert(name, 0.0005 * (e + 1)));
      double[] w = new double[dimension];
      for (int j = 0; j < dimension; j++) {
        w[j] = setupRandom.nextGaussian() / Math.sqrt(dimension);
      }
      parameters.put(WeightsSnapshot.WEIGHTS + name, w);
      double[] v = new double[dimension + 1];
      for (int j = 0; j <= dimension; j++) {
        v[j] = setupRandom.nextDouble() * 0.1;
      }
      parameters.put(WeightsSnapshot.VARIANCES + name, v);
      biases[e] = 0.5 + setupRandom.nextGaussian() * 0.1;
      outcomes[e] = 100 + setupRandom.nextInt(1000);
      costs[e] = experts.get(e).pricePerCall();
    }
    parameters.put(WeightsSnapshot.BIAS, biases);
    parameters.put(WeightsSnapshot.OUTCOMES, outcomes);
    parameters.put(WeightsSnapshot.COST, costs);
    WeightsSnapshot weights =
        new WeightsSnapshot(
            "bench", 1, experts.stream().map(Expert::name).toList(), dimension, parameters);

    softmaxTopK = Gates.create(GateSpec.softmaxTopK(2), experts, dimension, weights);
    topP = Gates.create(GateSpec.topP(0.8, 4), experts, dimension, weights);
    successPredictor =
        Gates.create(
            GateSpec.successPredictor(Mode.NET_UTILITY, 0, 50), experts, dimension, weights);
    epsilonGreedyTopK =
        Gates.create(GateSpec.softmaxTopK(2).withEpsilonGreedy(0.1), experts, dimension, weights);
    temperatureTopK =
        Gates.create(
            GateSpec.softmaxTopK(2).withTemperatureSampling(1), experts, dimension, weights);
    // The default policy's settings: one expert, optimism 0.1, decaying ε 0.05 on top.
    GateSpec bandit =
        GateSpec.bandit(1, 0.1, 0).withEpsilonGreedy(0.05).withExplorationDecay(1000, 5);
    banditEpsilon = Gates.create(bandit, experts, dimension, weights);
    GateSpec spendTarget = bandit.withSpendTarget(SPEND_TARGET, SPEND_STEP);
    banditEpsilonSpendTarget =
        Gates.create(
            spendTarget,
            experts,
            dimension,
            weights,
            new SpendController(
                spendTarget.lambda(), spendTarget.spendTarget(), spendTarget.spendStep()));

    features = new float[FEATURE_POOL][dimension];
    for (float[] vector : features) {
      for (int j = 0; j < dimension; j++) {
        vector[j] = (float) setupRandom.nextGaussian();
      }
    }
    input = new RoutingInput("bench", "chat", null, null, null);
    random = new SplittableRandom(11);

    hashedText = new HashedTextFeaturizer(1 << 14);
    String sentence =
        "Summarize the following support ticket and suggest the next step for the customer. ";
    prompt =
        new RoutingInput("bench", "summarize", sentence.repeat(7).substring(0, 500), null, null);
  }

  private float[] nextFeatures() {
    next = (next + 1) & (FEATURE_POOL - 1);
    return features[next];
  }

  @Benchmark
  public Selection softmaxTopK2() {
    return softmaxTopK.select(input, nextFeatures(), random);
  }

  @Benchmark
  public Selection topP() {
    return topP.select(input, nextFeatures(), random);
  }

  @Benchmark
  public Selection successPredictorNetUtility() {
    return successPredictor.select(input, nextFeatures(), random);
  }

  @Benchmark
  public Selection epsilonGreedyTopK2() {
    return epsilonGreedyTopK.select(input, nextFeatures(), random);
  }

  @Benchmark
  public Selection temperatureSamplingTopK2() {
    return temperatureTopK.select(input, nextFeatures(), random);
  }

  @Benchmark
  public Selection banditEpsilonGreedy() {
    return banditEpsilon.select(input, nextFeatures(), random);
  }

  @Benchmark
  public Selection banditEpsilonGreedySpendTarget() {
    return banditEpsilonSpendTarget.select(input, nextFeatures(), random);
  }

  @Benchmark
  public float[] hashedTextFeaturizer500Chars() {
    return hashedText.featurize(prompt);
  }
}
