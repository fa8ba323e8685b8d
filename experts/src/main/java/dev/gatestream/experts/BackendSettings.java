package dev.gatestream.experts;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/** How an expert's backend is reached, one record per backend kind. */
public sealed interface BackendSettings {

  /** The kind as written in the experts file's {@code backend} field. */
  String kind();

  /**
   * Answers from a wide routing log.
   *
   * @param logs the log files, answered from as one (request ids are unique across them)
   * @param answer what the answer is: the logged quality as a Score, or the logged response text
   * @param latencyScale how long to really wait, as a fraction of the logged latency; 0 = no wait
   */
  record Replay(List<Path> logs, ReplayAnswer answer, double latencyScale)
      implements BackendSettings {
    public static final String KIND = "replay";

    public Replay {
      logs = List.copyOf(logs);
      if (logs.isEmpty()) {
        throw new IllegalArgumentException("a replay expert needs at least one log");
      }
      Objects.requireNonNull(answer, "answer");
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /** What a replay expert answers with. */
  enum ReplayAnswer {
    /** Score(value = the logged quality). */
    SCORE,
    /** TextAnswer(the logged {@code <expert>|response}). */
    RESPONSE
  }

  /**
   * An ONNX model run in process.
   *
   * @param input name of the model input fed the features; empty = the model's only input
   * @param output name of the output read; empty = the model's first output
   * @param labels class labels for a [batch, C] output; empty = "0".."C-1"
   * @param threads intra-op threads of each inference
   */
  record Onnx(
      Path model, Optional<String> input, Optional<String> output, List<String> labels, int threads)
      implements BackendSettings {
    public static final String KIND = "onnx";

    public Onnx {
      Objects.requireNonNull(model, "model");
      labels = List.copyOf(labels);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /**
   * An OpenAI-compatible chat completions endpoint.
   *
   * @param baseUrl e.g. http://vllm:8000, to which /v1/chat/completions is appended
   * @param apiKeyEnv name of the environment variable holding the API key (keys stay out of files)
   * @param pricePer1kTokens price of 1000 tokens (prompt + completion), USD; empty = price per call
   */
  record OpenAiChat(
      URI baseUrl,
      String model,
      int maxTokens,
      Optional<String> apiKeyEnv,
      OptionalDouble pricePer1kTokens)
      implements BackendSettings {
    public static final String KIND = "http-openai";

    public OpenAiChat {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(model, "model");
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /**
   * A model served with the Open Inference Protocol (KServe v2) over REST.
   *
   * @param baseUrl e.g. http://kserve:8080, to which /v2/models/{model}/infer is appended
   * @param input name of the FP32 input tensor the features go to
   * @param output name of the output read; empty = the first output of the response
   * @param labels class labels for a [batch, C] output; empty = "0".."C-1"
   */
  record KServeV2(
      URI baseUrl, String model, String input, Optional<String> output, List<String> labels)
      implements BackendSettings {
    public static final String KIND = "http-kserve";

    public KServeV2 {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(input, "input");
      labels = List.copyOf(labels);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }
}
