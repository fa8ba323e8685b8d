package dev.gatestream.experts;

import ai.onnxruntime.OrtException;
import dev.gatestream.experts.backend.KServeV2Backend;
import dev.gatestream.experts.backend.OnnxBackend;
import dev.gatestream.experts.backend.OpenAiChatBackend;
import dev.gatestream.experts.replay.ReplayBackend;
import dev.gatestream.experts.replay.ReplayLog;
import dev.gatestream.experts.replay.RoutingLogFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;

/**
 * Makes the backend an {@link ExpertSpec} describes. Use one per JVM: every replay expert it makes
 * shares one in-memory copy of each routing log.
 */
public final class ExpertBackends {

  private final Map<List<Path>, ReplayLog> replayLogs = new ConcurrentHashMap<>();
  private final Function<String, String> environment;
  private final boolean allowInsecureHttp;

  public ExpertBackends() {
    this(System::getenv, false);
  }

  /**
   * @param environment where API keys named by {@code apiKeyEnv} are looked up
   * @param allowInsecureHttp let an API key go over an {@code http://} base URL
   */
  public ExpertBackends(Function<String, String> environment, boolean allowInsecureHttp) {
    this.environment = environment;
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * A new backend for the expert; the caller closes it, or hands it to the {@link ExpertWorker}
   * that closes it.
   *
   * @throws ConfigException when the backend cannot be set up (missing file, bad model, no key)
   */
  public ExpertBackend create(ExpertSpec spec) {
    String where = "expert '" + spec.name() + "' (" + spec.backend().kind() + "): ";
    try {
      BackendSettings settings = spec.backend();
      if (settings instanceof BackendSettings.Replay r) {
        return new ReplayBackend(spec.name(), replayLog(r.logs()), r.answer(), r.latencyScale());
      } else if (settings instanceof BackendSettings.Onnx o) {
        return new OnnxBackend(o);
      } else if (settings instanceof BackendSettings.OpenAiChat o) {
        return new OpenAiChatBackend(o, apiKey(where, o), allowInsecureHttp);
      } else {
        return new KServeV2Backend((BackendSettings.KServeV2) settings);
      }
    } catch (OrtException e) {
      throw new ConfigException(where + "cannot load the ONNX model: " + e.getMessage());
    } catch (UncheckedIOException | IllegalArgumentException | RoutingLogFormatException e) {
      throw new ConfigException(where + e.getMessage());
    }
  }

  /** The routing logs at these paths, read once however many experts replay them. */
  public ReplayLog replayLog(List<Path> files) {
    List<Path> normalized = files.stream().map(file -> file.toAbsolutePath().normalize()).toList();
    return replayLogs.computeIfAbsent(
        normalized,
        f -> {
          try {
            return ReplayLog.load(f);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "cannot read replay log " + f + ": " + e.getMessage(), e);
          }
        });
  }

  private Optional<String> apiKey(String where, BackendSettings.OpenAiChat settings) {
    if (settings.apiKeyEnv().isEmpty()) {
      return Optional.empty();
    }
    String key = environment.apply(settings.apiKeyEnv().get());
    if (key == null || key.isBlank()) {
      throw new ConfigException(
          where
              + "environment variable "
              + settings.apiKeyEnv().get()
              + " (settings.apiKeyEnv) is not set");
    }
    return Optional.of(key);
  }
}
