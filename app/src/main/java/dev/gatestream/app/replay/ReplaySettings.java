package dev.gatestream.app.replay;

import dev.gatestream.app.UserError;
import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a replay runs with, besides its sources.
 *
 * @param pace how the traffic is sent and its feedback produced
 * @param bucket requests per progress bucket
 * @param overrides settings of every run on top of the deployment's configuration
 * @param sweep one run per value of a setting, each learning from scratch on its own topics; null
 *     for one run
 * @param keepTopics keep each run's topics instead of deleting them, e.g. to evaluate other
 *     policies on its decisions
 * @param scratch where each run's work directory (state stores, checkpoints) goes; it is deleted
 *     when the run ends
 */
public record ReplaySettings(
    ReplayOptions pace,
    int bucket,
    Map<String, String> overrides,
    Sweep sweep,
    boolean keepTopics,
    Path scratch) {

  public static final int DEFAULT_BUCKET = 1000;

  public ReplaySettings {
    Objects.requireNonNull(pace, "pace");
    Objects.requireNonNull(scratch, "scratch");
    if (bucket < 1) {
      throw new IllegalArgumentException("a bucket holds at least one request, got " + bucket);
    }
    overrides = Map.copyOf(overrides);
  }

  /** The swept setting and its values, in the order they run. */
  public record Sweep(String setting, List<String> values) {

    public Sweep {
      values = List.copyOf(values);
    }

    /** {@code SETTING=V1,V2,...}, with a setting of the catalogue. */
    public static Sweep parse(String text) {
      int split = text.indexOf('=');
      List<String> values =
          split < 0
              ? List.of()
              : Arrays.stream(text.substring(split + 1).split(","))
                  .map(String::trim)
                  .filter(v -> !v.isEmpty())
                  .toList();
      if (split < 1 || values.isEmpty()) {
        throw new UserError(
            "--sweep '" + text + "' is not SETTING=V1,V2,... (e.g. router.gate.lambda=0,0.01,0.1)");
      }
      if (!GatestreamConfig.isKnown(text.substring(0, split))) {
        throw new UserError("--sweep: unknown setting '" + text.substring(0, split) + "'");
      }
      return new Sweep(text.substring(0, split), values);
    }
  }
}
