package dev.gatestream.app.chaos;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Foreground;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One stage in a process of its own, as {@code gatestream run STAGE} runs it but without the CLI in
 * front: what a {@link StageProcess} starts, and starts again after it was killed. Prints {@value
 * #READY} once the stage runs; exits 1 when it stops for good.
 *
 * <p>Arguments: the settings file, the home directory, then {@code router}, {@code fusion}, {@code
 * adaptation} or {@code expert NAME}.
 */
public final class StageMain {

  static final String READY = "gatestream stage ready";
  private static final Duration CHECK_EVERY = Duration.ofMillis(500);

  private StageMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: StageMain SETTINGS HOME router|fusion|adaptation|expert NAME");
      System.exit(2);
    }
    GatestreamConfig config = new ConfigLoader(Map.of()).load(Path.of(args[0]), Map.of());
    Path home = Path.of(args[1]);
    Provisioning provisioning = new Provisioning(new Deployment(config, home), home);
    List<ExpertSpec> experts = provisioning.experts();
    Set<Stage> stages =
        switch (args[2]) {
          case "router" -> EnumSet.of(Stage.ROUTER);
          case "fusion" -> EnumSet.of(Stage.FUSION);
          case "adaptation" -> EnumSet.of(Stage.ADAPTATION);
          case "expert" -> EnumSet.of(Stage.EXPERTS);
          default -> throw new IllegalArgumentException("unknown stage " + args[2]);
        };
    if (stages.contains(Stage.EXPERTS)) {
      experts = experts.stream().filter(spec -> spec.name().equals(args[3])).toList();
    }
    Provisioning.Served served = provisioning.startStages(experts, stages, args[2]);
    System.out.println(READY);
    System.out.flush();
    Optional<String> stopped =
        Foreground.run(
            served, CHECK_EVERY, () -> describe(served.pipeline().unrecoverable()), () -> {});
    if (stopped.isPresent()) {
      System.err.println("gatestream: " + stopped.get() + "; stopping the process");
      System.exit(1);
    }
  }

  private static Optional<String> describe(Map<String, String> unrecoverable) {
    return unrecoverable.isEmpty()
        ? Optional.empty()
        : Optional.of(
            unrecoverable.entrySet().stream()
                .map(entry -> entry.getKey() + " stopped (" + entry.getValue() + ")")
                .collect(Collectors.joining(", ")));
  }
}
