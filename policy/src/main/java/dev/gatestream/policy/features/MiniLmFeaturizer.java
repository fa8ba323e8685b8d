package dev.gatestream.policy.features;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gatestream.policy.RoutingInput;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * 384-dimensional sentence embeddings from all-MiniLM-L6-v2 (quantized), run in-process by
 * onnxruntime; the model file and its tokenizer come inside the langchain4j artifact, nothing is
 * downloaded. Embeddings are mean-pooled over the attention mask and L2-normalized. Thread-safe.
 *
 * <p>Built for the router's hot path: a text is cut to a token budget (attention is quadratic in
 * the length, and the start of a prompt says most of what routing needs), tokenized by the Hugging
 * Face tokenizer, and onnxruntime's intra-op threads are set rather than left to its default.
 *
 * <p>Each text gets a model run of its own, also in a batch. The model is dynamically quantized:
 * activation ranges are taken over the whole input tensor, so in a padded batch a text's embedding
 * would depend on its batch mates (cosine 0.989 to its own, measured), and a request must get the
 * same features in the router, in replay and in evaluate.
 *
 * <p>Each featurizer owns its ONNX session, which {@link #close()} releases (langchain4j's own
 * model keeps one static session that is never closed).
 */
public final class MiniLmFeaturizer implements Featurizer {

  public static final int DIMENSION = 384;

  /** Tokens a text is cut to by default, [CLS] and [SEP] included. */
  public static final int DEFAULT_MAX_TOKENS = 128;

  // The model's position embeddings end there.
  private static final int MODEL_MAX_TOKENS = 512;

  // Where the langchain4j artifact keeps the model and its tokenizer.
  private static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

  private final int maxTextLength;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final boolean takesTokenTypes;
  // Embedding holds the read lock, close the write lock: nothing is closed under a running call.
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  /**
   * Refuses texts over 100,000 characters, cuts them to 128 tokens, and runs the model on as many
   * threads as there are cores.
   */
  public MiniLmFeaturizer() {
    this(TextInputs.DEFAULT_MAX_LENGTH, DEFAULT_MAX_TOKENS, threads(0));
  }

  /** The model threads to run on: {@code configured}, or one per core when it is 0. */
  public static int threads(int configured) {
    return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
  }

  /**
   * @param maxTokens tokens a text is cut to, at most 512
   * @param threads onnxruntime's intra-op threads for one model run
   */
  public MiniLmFeaturizer(int maxTextLength, int maxTokens, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    if (maxTokens < 3 || maxTokens > MODEL_MAX_TOKENS) {
      throw new IllegalArgumentException(
          "the MiniLM token budget must be in [3, " + MODEL_MAX_TOKENS + "], got " + maxTokens);
    }
    this.maxTextLength = TextInputs.requirePositiveMaxLength(maxTextLength);
    try {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(resource(TOKENIZER_RESOURCE)),
              Map.of(
                  "maxLength", Integer.toString(maxTokens),
                  "truncation", "true",
                  "padding", "false"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the MiniLM tokenizer", e);
    }
    this.environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      this.session = environment.createSession(resource(MODEL_RESOURCE), options);
    } catch (OrtException e) {
      tokenizer.close();
      throw new IllegalStateException("cannot load the MiniLM model: " + e.getMessage(), e);
    }
    this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
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
    return featurizeAll(List.of(input)).get(0);
  }

  /** One tokenizer call for the batch, one model run per text (see above). */
  @Override
  public List<float[]> featurizeAll(List<RoutingInput> inputs) {
    if (inputs.isEmpty()) {
      return List.of();
    }
    // Validate everything first so a bad input fails the batch before any model time is spent.
    List<String> texts = new ArrayList<>(inputs.size());
    for (RoutingInput input : inputs) {
      texts.add(TextInputs.requireText(input, maxTextLength));
    }
    Lock read = lock.readLock();
    read.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the MiniLM featurizer is closed");
      }
      List<float[]> embeddings = new ArrayList<>(texts.size());
      for (Encoding encoding : tokenizer.batchEncode(texts)) {
        embeddings.add(embed(encoding));
      }
      return embeddings;
    } catch (OrtException e) {
      throw new IllegalStateException("the MiniLM model failed: " + e.getMessage(), e);
    } finally {
      read.unlock();
    }
  }

  private float[] embed(Encoding encoding) throws OrtException {
    long[] shape = {1, encoding.getIds().length};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", tensor(encoding.getIds(), shape));
      feed.put("attention_mask", tensor(encoding.getAttentionMask(), shape));
      if (takesTokenTypes) {
        feed.put("token_type_ids", tensor(encoding.getTypeIds(), shape));
      }
      try (OrtSession.Result result = session.run(feed)) {
        return meanPooled(((float[][][]) result.get(0).getValue())[0]);
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[] values, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(environment, LongBuffer.wrap(values), shape);
  }

  // Unpadded, so every token counts.
  private static float[] meanPooled(float[][] tokens) {
    float[] sum = new float[DIMENSION];
    for (int t = 0; t < tokens.length; t++) {
      for (int j = 0; j < DIMENSION; j++) {
        sum[j] += tokens[t][j];
      }
    }
    double norm = 0;
    for (float value : sum) {
      norm += value * value;
    }
    // The mean's 1/count cancels in the normalization.
    float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
    for (int j = 0; j < DIMENSION; j++) {
      sum[j] *= scale;
    }
    return sum;
  }

  /**
   * Releases the ONNX session and the tokenizer (native memory); embedding afterwards is an error.
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      tokenizer.close();
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot release the MiniLM model's ONNX session: " + e.getMessage(), e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The session this featurizer owns, for tests that check it is released. */
  OrtSession session() {
    return session;
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
}
