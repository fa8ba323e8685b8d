package dev.gatestream.policy.features;

import dev.gatestream.policy.RoutingInput;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 384-dimensional sentence embeddings from all-MiniLM-L6-v2 (quantized), run in-process by
 * onnxruntime; model and tokenizer come inside the langchain4j artifact, nothing is downloaded.
 * Embeddings are mean-pooled and L2-normalized. Texts over 510 tokens are embedded in windows and
 * averaged by the library. Thread-safe.
 */
public final class MiniLmFeaturizer implements Featurizer {

  public static final int DIMENSION = 384;

  private final int maxTextLength;
  private final ExecutorService executor;
  private final AllMiniLmL6V2QuantizedEmbeddingModel model;

  /** Refuses texts over 100,000 characters; embeds a batch on as many threads as there are cores. */
  public MiniLmFeaturizer() {
    this(TextInputs.DEFAULT_MAX_LENGTH, Runtime.getRuntime().availableProcessors());
  }

  /** @param threads how many texts of one batch are embedded at once */
  public MiniLmFeaturizer(int maxTextLength, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    this.maxTextLength = TextInputs.requirePositiveMaxLength(maxTextLength);
    this.executor = Executors.newFixedThreadPool(threads, daemonThreads());
    this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(executor);
  }

  @Override
  public String name() {
    return "minilm";
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    String text = TextInputs.requireText(input, maxTextLength);
    return model.embed(text).content().vector();
  }

  /** One model call for the whole batch, which the library spreads over this featurizer's threads. */
  @Override
  public List<float[]> featurizeAll(List<RoutingInput> inputs) {
    if (inputs.isEmpty()) {
      return List.of();
    }
    // Validate everything first so a bad input fails the batch before any model time is spent.
    List<TextSegment> segments = new ArrayList<>(inputs.size());
    for (RoutingInput input : inputs) {
      segments.add(TextSegment.from(TextInputs.requireText(input, maxTextLength)));
    }
    List<Embedding> embeddings = model.embedAll(segments).content();
    List<float[]> features = new ArrayList<>(embeddings.size());
    for (Embedding embedding : embeddings) {
      features.add(embedding.vector());
    }
    return features;
  }

  @Override
  public void close() {
    executor.shutdown();
  }

  // Daemon threads: a featurizer nobody closed must not keep the JVM alive.
  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "minilm-featurizer-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
