package dev.gatestream.policy.features;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gatestream.policy.RoutingInput;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * 384-dimensional sentence embeddings from all-MiniLM-L6-v2 (quantized), run in-process by
 * onnxruntime; model and tokenizer come inside the langchain4j artifact, nothing is downloaded.
 * Embeddings are mean-pooled and L2-normalized. Texts over 510 tokens are embedded in windows and
 * averaged by the library. Thread-safe.
 *
 * <p>Each featurizer owns its ONNX session, which {@link #close()} releases. langchain4j's {@link
 * AllMiniLmL6V2QuantizedEmbeddingModel} cannot do that: it loads one session into a static field
 * when its class is initialized, shared by every instance and never closed (neither the model nor
 * its {@link OnnxBertBiEncoder} has a close method). So the session is made here from the model
 * file in that artifact and handed to the library's encoder, which does the tokenizing, windowing
 * and pooling.
 */
public final class MiniLmFeaturizer implements Featurizer {

  public static final int DIMENSION = 384;

  // Where the langchain4j artifact keeps the model and its tokenizer (its own class loads them from
  // there).
  private static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

  private final int maxTextLength;
  private final ExecutorService executor;
  private final OrtSession session;
  private final SessionModel model;
  // Embedding holds the read lock, close the write lock: a session is never closed under a running
  // call.
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  /**
   * Refuses texts over 100,000 characters; embeds a batch on as many threads as there are cores.
   */
  public MiniLmFeaturizer() {
    this(TextInputs.DEFAULT_MAX_LENGTH, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param threads how many texts of one batch are embedded at once
   */
  public MiniLmFeaturizer(int maxTextLength, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    this.maxTextLength = TextInputs.requirePositiveMaxLength(maxTextLength);
    this.executor = Executors.newFixedThreadPool(threads, daemonThreads());
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try {
      this.session = environment.createSession(resource(MODEL_RESOURCE));
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load the MiniLM model: " + e.getMessage(), e);
    }
    try {
      this.model =
          new SessionModel(
              executor,
              new OnnxBertBiEncoder(
                  environment,
                  session,
                  new ByteArrayInputStream(resource(TOKENIZER_RESOURCE)),
                  PoolingMode.MEAN));
    } catch (RuntimeException e) {
      closeSession();
      throw e;
    }
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
    Lock read = openForEmbedding();
    try {
      return model.embed(text).content().vector();
    } finally {
      read.unlock();
    }
  }

  /**
   * One model call for the whole batch, which the library spreads over this featurizer's threads.
   */
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
    List<Embedding> embeddings;
    Lock read = openForEmbedding();
    try {
      embeddings = model.embedAll(segments).content();
    } finally {
      read.unlock();
    }
    List<float[]> features = new ArrayList<>(embeddings.size());
    for (Embedding embedding : embeddings) {
      features.add(embedding.vector());
    }
    return features;
  }

  /**
   * Releases the ONNX session (its native memory) and the threads; embedding afterwards is an
   * error.
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      executor.shutdown();
      closeSession();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The session this featurizer owns, for tests that check it is released. */
  OrtSession session() {
    return session;
  }

  private Lock openForEmbedding() {
    Lock read = lock.readLock();
    read.lock();
    if (closed) {
      read.unlock();
      throw new IllegalStateException("the MiniLM featurizer is closed");
    }
    return read;
  }

  private void closeSession() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot release the MiniLM model's ONNX session: " + e.getMessage(), e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            name + " is not in the langchain4j MiniLM artifact on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + name + " from the langchain4j MiniLM artifact", e);
    }
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

  /**
   * The library's in-process model (batching over the executor) on this featurizer's own encoder.
   */
  private static final class SessionModel extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    SessionModel(ExecutorService executor, OnnxBertBiEncoder encoder) {
      super(executor);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSION;
    }
  }
}
