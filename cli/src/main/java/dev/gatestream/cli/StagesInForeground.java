package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Foreground;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.config.GatestreamConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What {@code up} and {@code run} print while their stages run, and how they end. */
final class StagesInForeground {

  private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

  private StagesInForeground() {}

  /**
   * Reports the stages every few seconds until Ctrl-C (exit 0), or until one of them stops for good
   * (one line on {@code err}, exit 1, so that whatever supervises the process starts it again).
   */
  static int run(
      Provisioning.Served served,
      Deployment deployment,
      Set<Stage> stages,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    out.println(
        "running " + stages + " against " + deployment.bootstrapServers() + "; Ctrl-C stops");
    served
        .metricsPort()
        .ifPresent(
            port ->
                out.println(
                    "metrics on http://"
                        + deployment.config().getString(GatestreamConfig.METRICS_HOST)
                        + ":"
                        + port
                        + "/metrics, health on /health"));
    out.flush();
    Optional<String> stopped =
        Foreground.run(
            served,
            STATUS_EVERY,
            () -> describe(served.pipeline().unrecoverable()),
            () -> {
              out.println(served.pipeline().status());
              out.flush();
            });
    if (stopped.isPresent()) {
      err.println("gatestream: " + stopped.get() + "; stopping the process");
      err.flush();
      return 1;
    }
    return 0;
  }

  private static Optional<String> describe(Map<String, String> unrecoverable) {
    if (unrecoverable.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        unrecoverable.entrySet().stream()
            .map(entry -> entry.getKey() + " stopped (" + entry.getValue() + ")")
            .collect(Collectors.joining(", ")));
  }
}
