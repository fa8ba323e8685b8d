package dev.gatestream.benchmarks;

import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.features.MiniLmFeaturizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MiniLM-L6-v2 embedding of a ~100-token prompt, alone and in a batch of 8 (per batch), and of a
 * ~450-token prompt, at each token budget.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class MiniLmBenchmark {

  @Param({"128", "512"})
  public int maxTokens;

  private MiniLmFeaturizer featurizer;
  private RoutingInput prompt;
  private RoutingInput longPrompt;
  private List<RoutingInput> batch;

  @Setup
  public void setUp() {
    featurizer =
        new MiniLmFeaturizer(100_000, maxTokens, Runtime.getRuntime().availableProcessors());
    String sentence =
        "Summarize the following support ticket and suggest the next step for the customer. ";
    prompt = new RoutingInput("bench", null, sentence.repeat(7).substring(0, 500), null, null);
    longPrompt = new RoutingInput("bench-long", null, sentence.repeat(28), null, null);
    batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(new RoutingInput("bench-" + i, null, i + ": " + prompt.text(), null, null));
    }
  }

  @TearDown
  public void tearDown() {
    featurizer.close();
  }

  @Benchmark
  public float[] oneText() {
    return featurizer.featurize(prompt);
  }

  @Benchmark
  public float[] longText() {
    return featurizer.featurize(longPrompt);
  }

  @Benchmark
  public List<float[]> batchOfEight() {
    return featurizer.featurizeAll(batch);
  }
}
