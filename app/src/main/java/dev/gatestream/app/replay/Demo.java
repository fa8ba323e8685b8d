package dev.gatestream.app.replay;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * The main job end to end on a bundled slice of real logged traffic (examples/demo): cost-aware
 * routing between a cheap and an expensive LLM, learned online from feedback, train rows then
 * held-out test rows.
 */
public final class Demo {

  public static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";
  public static final String GPT4 = "gpt-4-1106-preview";

  /** The order the rows arrive in unless asked otherwise. */
  public static final long DEFAULT_SEED = 7;

  /**
   * The demo's routing, unless the configuration sets otherwise: the defaults (the bandit gate, one
   * expert per request, over the ridge learner's per-task quality), with GPT-4 priced at 50 times
   * Mixtral and the spend held at 40% of always-GPT-4 by the spend controller. With so few rows,
   * learning needs fresh weights: they are published every 20 examples or 200 ms and at most 5
   * requests are in flight.
   */
  private static final Map<String, String> SETTINGS =
      Map.of(
          GatestreamConfig.ROUTER_SPEND_TARGET, "0.012",
          GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "20",
          GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "200",
          GatestreamConfig.EXPERTS_PRICES, MIXTRAL + "=0.0006," + GPT4 + "=0.03");

  private static final int WINDOW = 5;
  private static final int BUCKET = 100;

  private final Deployment deployment;
  private final Path home;
  private final Path scratch;
  private final ReplayListener listener;

  /**
   * @param home directory that relative paths of the configuration resolve against
   * @param scratch where the run's work directory goes (deleted at the end)
   */
  public Demo(Deployment deployment, Path home, Path scratch, ReplayListener listener) {
    this.deployment = deployment;
    this.home = home;
    this.scratch = scratch;
    this.listener = listener;
  }

  /**
   * The bundled slice: its train rows, then its held-out test rows.
   *
   * @param home the project root, which holds examples/demo
   * @param seed of the order the rows arrive in
   */
  public static List<ReplayRun.Log> logs(Path home, long seed) throws IOException {
    return List.of(
        log(home.resolve("examples/demo/routellm-train.csv"), "train", seed),
        log(home.resolve("examples/demo/routellm-test.csv"), "test (held out)", seed));
  }

  /**
   * Replays the logs with the demo's settings.
   *
   * @param seed of the replay's random draws
   */
  public ReplayReport run(List<ReplayRun.Log> logs, long seed) {
    Map<String, String> overrides = new LinkedHashMap<>();
    SETTINGS.forEach(
        (key, value) -> {
          if (!deployment.config().originals().containsKey(key)) {
            overrides.put(key, value);
          }
        });
    ReplaySettings settings =
        new ReplaySettings(
            ReplayOptions.unpaced(WINDOW, ReplayOptions.DEADLINE, Duration.ZERO, 0, seed),
            BUCKET,
            overrides,
            null,
            false,
            scratch);
    try (Admin admin = deployment.connectedAdmin()) {
      return new ReplayRun(deployment, admin, settings, home, listener).run(logs);
    }
  }

  private static ReplayRun.Log log(Path file, String name, long seed) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserError(
          "the demo's data is missing: " + file + " (run the demo from a clone of the project)");
    }
    return ReplaySources.log(file, name, seed, null, OnRepeat.SKIP);
  }
}
