package dev.gatestream.benchmarks;

import dev.gatestream.gating.Expert;
import dev.gatestream.gating.Gate;
import dev.gatestream.gating.RoutingInput;
import dev.gatestream.gating.Selection;
import dev.gatestream.gating.WeightsSnapshot;
import dev.gatestream.gating.features.HashedTextFeaturizer;
import dev.gatestream.gating.gates.GateSpec;
import dev.gatestream.gating.gates.Gates;
import dev.gatestream.gating.gates.SuccessPredictorGate.Mode;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One routing decision for 16 experts on 384-dimensional features (random weights, features drawn in
 * turn from a pool so branch predictors and caches see varied inputs), and hashed featurization of a
 * 500-character prompt. The router's budget is 20 µs per decision.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GateBenchmark {

  private static final int EXPERTS = 16;
  private static final int DIMENSION = 384;
  private static final int FEATURE_POOL = 1024;

  private Gate softmaxTopK;
  private Gate topP;
  private Gate successPredictor;
  private Gate epsilonGreedyTopK;
  private Gate temperatureTopK;
  private float[][] features;
  private RoutingInput input;
  private SplittableRandom random;
  private int next;

  private HashedTextFeaturizer hashedText;
  private RoutingInput prompt;

  @Setup
  public void setUp() {
    SplittableRandom setupRandom = new SplittableRandom(7);
    List<Expert> experts = new ArrayList<>();
    Map<String, double[]> parameters = new HashMap<>();
    double[] biases = new double[EXPERTS];
    for (int e = 0; e < EXPERTS; e++) {
      String name = "expert-" + e;
      experts.add(new Expert(name, 0.0005 * (e + 1)));
      double[] w = new double[DIMENSION];
      for (int j = 0; j < DIMENSION; j++) {
        w[j] = setupRandom.nextGaussian() / Math.sqrt(DIMENSION);
      }
      parameters.put("w:" + name, w);
      biases[e] = setupRandom.nextGaussian() * 0.1;
    }
    parameters.put("b", biases);
    WeightsSnapshot weights = new WeightsSnapshot("bench", 1,
        experts.stream().map(Expert::name).toList(), DIMENSION, parameters);

    softmaxTopK = Gates.create(GateSpec.softmaxTopK(2), experts, DIMENSION, weights);
    topP = Gates.create(GateSpec.topP(0.8, 4), experts, DIMENSION, weights);
    successPredictor = Gates.create(GateSpec.successPredictor(Mode.NET_UTILITY, 0, 50), experts, DIMENSION, weights);
    epsilonGreedyTopK = Gates.create(GateSpec.softmaxTopK(2).withEpsilonGreedy(0.1), experts, DIMENSION, weights);
    temperatureTopK = Gates.create(GateSpec.softmaxTopK(2).withTemperatureSampling(1), experts, DIMENSION, weights);

    features = new float[FEATURE_POOL][DIMENSION];
    for (float[] vector : features) {
      for (int j = 0; j < DIMENSION; j++) {
        vector[j] = (float) setupRandom.nextGaussian();
      }
    }
    input = new RoutingInput("bench", "chat", null, null, null);
    random = new SplittableRandom(11);

    hashedText = new HashedTextFeaturizer(1 << 14);
    String sentence = "Summarize the following support ticket and suggest the next step for the customer. ";
    prompt = new RoutingInput("bench", "summarize", sentence.repeat(7).substring(0, 500), null, null);
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
  public float[] hashedTextFeaturizer500Chars() {
    return hashedText.featurize(prompt);
  }
}
