package dev.gatestream.app.chaos;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of one multi-process run (chaos, failover, scale-out): the base settings pointed at
 * the run's cluster, its topics under a prefix of the run's own, its state in the run's directory,
 * and no metrics port, since several stages share the machine. Each stage process loads them with
 * its own client instance id.
 */
public final class RunSettings {

  private final String runId;
  private final Map<String, String> settings = new LinkedHashMap<>();

  public RunSettings(
      GatestreamConfig base,
      String runId,
      String bootstrapServers,
      String registryUrl,
      Path stateDir) {
    this.runId = runId;
    base.originals().forEach((key, value) -> settings.put(key, String.valueOf(value)));
    settings.put(GatestreamConfig.BOOTSTRAP, bootstrapServers);
    settings.put(GatestreamConfig.REGISTRY_URL, registryUrl);
    settings.put(
        GatestreamConfig.TOPIC_PREFIX, base.getString(GatestreamConfig.TOPIC_PREFIX) + runId + "-");
    settings.put(GatestreamConfig.STREAMS_STATE_DIR, stateDir.toString());
    settings.put(GatestreamConfig.METRICS_PORT, "-1");
  }

  /** Replay experts answering from {@code log}, each request sent to {@code k} of them. */
  public RunSettings replayExperts(Path log, List<String> experts, int k) {
    settings.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    settings.put(GatestreamConfig.EXPERTS_REPLAY_LOG, log.toAbsolutePath().toString());
    return with(GatestreamConfig.ROUTER_GATE_K, String.valueOf(k));
  }

  public RunSettings with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /**
   * A stage process of the run, with an instance id of its own for static membership; its settings
   * file and log go to {@code runDir}.
   *
   * @param name how reports name it ({@code router}, {@code expert gpt-4})
   */
  public StageProcess stage(String name, List<String> args, Path home, Path runDir, Clock clock) {
    String instance = runId + "-" + name.replace(' ', '-').replaceAll("[^A-Za-z0-9._-]", "_");
    return StageProcess.withSettings(
        name,
        args,
        load(instance),
        runDir.resolve(instance + ".properties"),
        "settings of " + name + " in run " + runId,
        home,
        runDir,
        clock);
  }

  /** The settings of one stage process, or of the run's own clients with a null instance. */
  public GatestreamConfig load(String instanceOrNull) {
    Map<String, String> values = new LinkedHashMap<>(settings);
    if (instanceOrNull != null) {
      values.put(GatestreamConfig.CLIENT_INSTANCE_ID, instanceOrNull);
    }
    return new ConfigLoader(Map.of()).load(null, values);
  }
}
