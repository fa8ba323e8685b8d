package dev.gatestream.app.chaos;

import dev.gatestream.config.GatestreamConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One stage as an OS process of its own ({@link StageMain} on this JVM's class path), so that it
 * can be killed with SIGKILL and started again: its output is appended to {@code NAME.log} in the
 * run directory, and each start tells when the stage said it was ready.
 */
public final class StageProcess implements AutoCloseable {

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final List<String> stageArgs;
  private final Path settings;
  private final Path home;
  private final Path log;
  private final Clock clock;
  private Process process;
  private CompletableFuture<Instant> ready;

  /**
   * @param name how reports name it, and its log file ({@code expert gpt-4} logs to {@code
   *     expert-gpt-4.log})
   * @param stageArgs what {@link StageMain} runs, e.g. {@code [expert, gpt-4]}
   * @param settings the stage's settings file
   */
  public StageProcess(
      String name, List<String> stageArgs, Path settings, Path home, Path runDir, Clock clock) {
    this.name = name;
    this.stageArgs = stageArgs;
    this.settings = settings;
    this.home = home;
    this.log = runDir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "-") + ".log");
    this.clock = clock;
  }

  /**
   * A stage process whose settings file is written from {@code config} first.
   *
   * @param comment the settings file's header line
   */
  public static StageProcess withSettings(
      String name,
      List<String> stageArgs,
      GatestreamConfig config,
      Path settings,
      String comment,
      Path home,
      Path runDir,
      Clock clock) {
    Properties properties = new Properties();
    config.originals().forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
    try (Writer out = Files.newBufferedWriter(settings, StandardCharsets.UTF_8)) {
      properties.store(out, comment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + settings, e);
    }
    return new StageProcess(name, stageArgs, settings, home, runDir, clock);
  }

  String name() {
    return name;
  }

  /** Starts the process; {@link #awaitReady} tells when the stage runs. */
  public synchronized Instant start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running already");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    // Small JVMs that start fast: one stage each, several on a few cores.
    command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StageMain.class.getName());
    command.add(settings.toString());
    command.add(home.toString());
    command.addAll(stageArgs);
    Instant startedAt = clock.instant();
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
    ready = new CompletableFuture<>();
    copyOutput(process, ready, startedAt);
    return startedAt;
  }

  /** Copies the process's output to its log until it ends, and completes ready at the marker. */
  private void copyOutput(Process running, CompletableFuture<Instant> onReady, Instant startedAt) {
    Thread copier =
        new Thread(
            () -> {
              try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter out =
                      new PrintWriter(
                          Files.newBufferedWriter(
                              log,
                              StandardCharsets.UTF_8,
                              StandardOpenOption.CREATE,
                              StandardOpenOption.APPEND))) {
                out.println("---- " + startedAt + " starting " + name);
                String line;
                while ((line = lines.readLine()) != null) {
                  out.println(line);
                  out.flush();
                  if (line.contains(StageMain.READY)) {
                    onReady.complete(clock.instant());
                  }
                }
              } catch (IOException e) {
                onReady.completeExceptionally(e);
              } finally {
                onReady.completeExceptionally(
                    new IllegalStateException(
                        name
                            + " exited (code "
                            + exitCode(running)
                            + ") before it was ready; see "
                            + log));
              }
            },
            "chaos-output-" + name);
    copier.setDaemon(true);
    copier.start();
  }

  private static String exitCode(Process process) {
    try {
      return String.valueOf(process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "none");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** When the stage said it runs; fails if the process ends first or the timeout passes. */
  public Instant awaitReady(Duration timeout) throws InterruptedException {
    CompletableFuture<Instant> waiting;
    synchronized (this) {
      waiting = ready;
    }
    try {
      return waiting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          name + " was not ready within " + timeout.toSeconds() + "s; see " + log);
    }
  }

  /** SIGKILL, as {@code kill -9}: nothing of the stage gets to run. Returns when it is gone. */
  synchronized Instant kill() throws InterruptedException {
    ProcessHandle handle = process.toHandle();
    if (!handle.destroyForcibly()) {
      throw new IllegalStateException("cannot kill " + name + " (pid " + handle.pid() + ")");
    }
    Instant killedAt = clock.instant();
    process.waitFor();
    return killedAt;
  }

  boolean alive() {
    synchronized (this) {
      return process != null && process.isAlive();
    }
  }

  Path log() {
    return log;
  }

  /** Stops the stage as an operator would (SIGTERM), and kills it if it does not go in time. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
