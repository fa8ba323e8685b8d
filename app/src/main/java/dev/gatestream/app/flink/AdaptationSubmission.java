package dev.gatestream.app.flink;

import dev.gatestream.adaptation.AdaptationJob;
import dev.gatestream.app.UserError;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The adaptation job on a Flink cluster: the shaded job jar uploaded and run through the REST API
 * with this deployment's settings as program arguments, waited for until every task runs; and
 * stopped with a savepoint, from which a later submission resumes.
 *
 * <p>The settings go as {@code KEY=VALUE} arguments (see {@link AdaptationJob#main}), so the job
 * needs no file on the cluster; they are visible in the cluster's REST API, so secrets belong in
 * files the cluster can read (client.credentials.dir), not in {@code kafka.*} values.
 */
public final class AdaptationSubmission {

  public static final String ENTRY_CLASS = AdaptationJob.class.getName();

  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final FlinkRestClient rest;

  public AdaptationSubmission(FlinkRestClient rest) {
    this.rest = rest;
  }

  /** A job that runs: its id, and how long it took from the upload until every task ran. */
  public record Submitted(String jobId, String name, Duration took) {}

  /**
   * The shaded job jar the adaptation module builds: {@code
   * adaptation/target/gatestream-adaptation-VERSION-job.jar} under the project root.
   */
  public static Path jobJar(Path home) {
    Path target = home.resolve("adaptation/target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        Optional<Path> jar =
            files
                .filter(
                    f -> {
                      String name = f.getFileName().toString();
                      return name.startsWith("gatestream-adaptation-") && name.endsWith("-job.jar");
                    })
                .findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + target, e);
      }
    }
    throw new UserError(
        "the adaptation job jar is not built: adaptation/target/gatestream-adaptation-*-job.jar"
            + " (run: mvn -pl adaptation -am package -DskipTests)");
  }

  /**
   * The job's program arguments: every setting this deployment was given, with bootstrap and
   * registry.url as resolved (the local stack's when none was given), sorted for a stable line.
   */
  public static List<String> programArguments(
      GatestreamConfig config, String bootstrapServers, String registryUrl) {
    Map<String, String> settings = new TreeMap<>();
    config.originals().forEach((key, value) -> settings.put(key, String.valueOf(value)));
    settings.put(GatestreamConfig.BOOTSTRAP, bootstrapServers);
    settings.put(GatestreamConfig.REGISTRY_URL, registryUrl);
    List<String> args = new ArrayList<>();
    settings.forEach((key, value) -> args.add(key + "=" + value));
    return args;
  }

  /**
   * Uploads {@code jar}, runs it, and waits up to {@code timeout} until every task of the job runs.
   * Refuses while a job of the same deployment (same name) has not ended: two would learn every
   * example twice.
   *
   * @param savepoint a savepoint or retained checkpoint to resume from
   */
  public Submitted submit(
      Path jar,
      GatestreamConfig config,
      String bootstrapServers,
      String registryUrl,
      Optional<String> savepoint,
      Duration timeout) {
    String name = AdaptationJob.jobName(config);
    rest.activeJob(name)
        .ifPresent(
            job -> {
              throw new UserError(
                  "the adaptation job "
                      + name
                      + " already runs on "
                      + rest.baseUrl()
                      + " as "
                      + job.jobId()
                      + " ("
                      + job.state()
                      + "); stop it first: gatestream adaptation stop");
            });
    long start = System.nanoTime();
    String jarId = rest.uploadJar(jar);
    String jobId;
    try {
      jobId =
          rest.runJar(
              jarId,
              ENTRY_CLASS,
              programArguments(config, bootstrapServers, registryUrl),
              savepoint);
    } finally {
      rest.deleteJar(jarId);
    }
    awaitRunning(jobId, timeout);
    return new Submitted(jobId, name, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Waits up to {@code timeout} until every task of the job runs; fails if the job ends. */
  public FlinkRestClient.JobState awaitRunning(String jobId, Duration timeout) {
    return await(
        "job " + jobId + " to run all its tasks",
        timeout,
        () -> {
          FlinkRestClient.JobState state = rest.job(jobId);
          if (state.terminal()) {
            throw new UserError(
                "the job " + jobId + " ended " + state.state() + " (see the JobManager's log)");
          }
          return state.fullyRunning() ? Optional.of(state) : Optional.empty();
        });
  }

  /**
   * Stops this deployment's running adaptation job with a savepoint in {@code targetDirectory};
   * returns where the savepoint is (what {@code submit --savepoint} resumes from).
   */
  public String stop(GatestreamConfig config, String targetDirectory, Duration timeout) {
    String name = AdaptationJob.jobName(config);
    FlinkRestClient.JobState job =
        rest.activeJob(name)
            .orElseThrow(
                () -> new UserError("no adaptation job " + name + " runs on " + rest.baseUrl()));
    String request = rest.stopWithSavepoint(job.jobId(), targetDirectory);
    FlinkRestClient.SavepointStatus status =
        await(
            "the savepoint of job " + job.jobId(),
            timeout,
            () -> Optional.of(rest.savepoint(job.jobId(), request)).filter(s -> s.done()));
    return status
        .location()
        .orElseThrow(
            () ->
                new UserError(
                    "the savepoint of job "
                        + job.jobId()
                        + " failed: "
                        + status.failure().orElse("unknown")));
  }

  private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      Optional<T> result = probe.get();
      if (result.isPresent()) {
        return result.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new UserError("timed out after " + timeout.toSeconds() + "s waiting for " + what);
      }
      LockSupport.parkNanos(Math.min(pause, left));
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }
}
