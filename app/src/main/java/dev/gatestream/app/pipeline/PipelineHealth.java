package dev.gatestream.app.pipeline;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a gateway embedded beside the stages reports as the pipeline's health: the stages that are
 * not healthy now (ERROR, stopped, a worker gone, the job restarting), or nothing when all are.
 */
public final class PipelineHealth {

  private PipelineHealth() {}

  /** Asks the pipeline each time it is called. */
  public static Supplier<Optional<String>> of(Pipeline pipeline) {
    return () -> problem(pipeline.stageStates());
  }

  /** E.g. {@code router: ERROR: 6 replacements; expert a: 1 of 2 workers running, 1 restart}. */
  static Optional<String> problem(Map<String, StageState> states) {
    String unhealthy =
        states.entrySet().stream()
            .filter(stage -> !stage.getValue().healthy())
            .map(stage -> stage.getKey() + ": " + stage.getValue().state())
            .collect(Collectors.joining("; "));
    return unhealthy.isEmpty() ? Optional.empty() : Optional.of(unhealthy);
  }
}
