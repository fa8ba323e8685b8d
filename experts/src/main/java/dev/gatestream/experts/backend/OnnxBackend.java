package dev.gatestream.experts.backend;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.ExpertBackend;
import dev.gatestream.experts.Outcome;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An ONNX model run in process by ONNX Runtime. The batch's features go in as one float tensor
 * [batch, d]; the output is read as class probabilities ([batch, C], labels from the settings) or
 * as scores ([batch] or [batch, 1]). A model that outputs logits must end in a Softmax to be read
 * as probabilities. Sessions are thread-safe, so batches run concurrently on one session.
 *
 * <p>{@link #close()} releases the native session once no batch runs on it any more; later calls
 * fail permanently. The process-wide {@link OrtEnvironment} stays, other sessions share it.
 */
public final class OnnxBackend implements ExpertBackend {

  private final BackendSettings.Onnx settings;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String input;
  private final String output;
  private final long dimension;
  // Runs hold the read lock, close the write lock: the native session is never freed under a run.
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  /** Loads the model; fails with a one-line reason when it does not take a float [batch, d]. */
  public OnnxBackend(BackendSettings.Onnx settings) throws OrtException {
    this.settings = settings;
    this.environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(settings.threads());
      options.setInterOpNumThreads(1);
      this.session = environment.createSession(settings.model().toString(), options);
    }
    try {
      this.input = pick("input", settings.input(), session.getInputNames(), true);
      this.output = pick("output", settings.output(), session.getOutputNames(), false);
      this.dimension = featureDimension(session.getInputInfo().get(input));
    } catch (OrtException | IllegalArgumentException e) {
      session.close();
      throw e;
    }
  }

  private String pick(
      String what, Optional<String> configured, Set<String> names, boolean onlyOne) {
    if (configured.isPresent()) {
      if (!names.contains(configured.get())) {
        throw new IllegalArgumentException(
            "model "
                + settings.model()
                + " has no "
                + what
                + " '"
                + configured.get()
                + "'; it has "
                + names);
      }
      return configured.get();
    }
    if (onlyOne && names.size() != 1) {
      throw new IllegalArgumentException(
          "model "
              + settings.model()
              + " has "
              + names.size()
              + " inputs "
              + names
              + "; name the one for the features in settings."
              + what);
    }
    return names.iterator().next();
  }

  private long featureDimension(NodeInfo info) {
    if (!(info.getInfo() instanceof TensorInfo tensor)
        || tensor.type != OnnxJavaType.FLOAT
        || tensor.getShape().length != 2) {
      throw new IllegalArgumentException(
          "model "
              + settings.model()
              + ": input '"
              + input
              + "' must be a float tensor [batch, d], it is "
              + info.getInfo());
    }
    return tensor.getShape()[1];
  }

  @Override
  public List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) throws BackendException {
    Outcome[] outcomes = new Outcome[tasks.size()];
    List<Integer> rows = new ArrayList<>(tasks.size());
    long width = dimension;
    for (int i = 0; i < tasks.size(); i++) {
      Optional<Outcome.Failure> problem = Features.problem(tasks.get(i), width);
      if (problem.isPresent()) {
        outcomes[i] = problem.get();
      } else {
        rows.add(i);
        width = tasks.get(i).getRequest().getFeatures().size();
      }
    }
    if (rows.isEmpty()) {
      return Arrays.asList(outcomes);
    }
    FloatBuffer features = FloatBuffer.allocate(Math.toIntExact(rows.size() * width));
    for (int row : rows) {
      tasks.get(row).getRequest().getFeatures().forEach(features::put);
    }
    features.flip();
    long start = System.nanoTime();
    List<Object> predictions = run(features, rows.size(), width);
    long latencyMs = (System.nanoTime() - start) / 1_000_000;
    for (int r = 0; r < rows.size(); r++) {
      outcomes[rows.get(r)] =
          new Outcome.Answer(
              predictions.get(r), OptionalDouble.empty(), OptionalLong.of(latencyMs));
    }
    return Arrays.asList(outcomes);
  }

  private List<Object> run(FloatBuffer features, int batch, long width) throws BackendException {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new BackendException("model " + settings.model().getFileName() + " is closed", false);
      }
      try (OnnxTensor tensor =
              OnnxTensor.createTensor(environment, features, new long[] {batch, width});
          OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
        return predictions(result.get(output).orElseThrow(), batch);
      } catch (OrtException e) {
        throw new BackendException(
            "model " + settings.model().getFileName() + " failed: " + e.getMessage(), false, e);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private List<Object> predictions(OnnxValue value, int batch) throws BackendException {
    if (!(value instanceof OnnxTensor tensor)
        || !(tensor.getInfo().type == OnnxJavaType.FLOAT
            || tensor.getInfo().type == OnnxJavaType.DOUBLE)) {
      throw new BackendException(
          "model "
              + settings.model().getFileName()
              + ": output '"
              + output
              + "' is not a float or double tensor but "
              + value.getInfo(),
          false);
    }
    double[] values;
    if (tensor.getInfo().type == OnnxJavaType.FLOAT) {
      FloatBuffer floats = tensor.getFloatBuffer();
      values = new double[floats.remaining()];
      for (int i = 0; i < values.length; i++) {
        values[i] = floats.get(i);
      }
    } else {
      DoubleBuffer doubles = tensor.getDoubleBuffer();
      values = new double[doubles.remaining()];
      doubles.get(values);
    }
    try {
      return Predictions.of(tensor.getInfo().getShape(), values, batch, settings.labels());
    } catch (IllegalArgumentException e) {
      throw new BackendException(
          "model "
              + settings.model().getFileName()
              + ": output '"
              + output
              + "': "
              + e.getMessage(),
          false);
    }
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        session.close();
      }
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the session of " + settings.model(), e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
