package dev.gatestream.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One detached JVM, tracked by a pid file: started so that it outlives the JVM that starts it,
 * waited for until a readiness probe answers, stopped with SIGTERM and, if it does not exit in
 * time, killed. Nothing here knows what the process is; a pid file counts only while its process
 * carries this supervisor's marker arguments, so a reused pid is never taken for it.
 *
 * <p>Files: {@code runDir/NAME.pid}, the process's own log {@code logDir/NAME.log} (where it writes
 * it) and its console output {@code logDir/NAME.out}, which every start appends to.
 */
final class ProcessSupervisor {

  /** Whether the process is ready, decided within {@code budget} (the time left to wait). */
  @FunctionalInterface
  interface ReadinessProbe {
    boolean ready(Duration budget);
  }

  static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofSeconds(10);

  private static final String MARKER_COMPONENT = "-Dgatestream.stack.component=";
  private static final String MARKER_DATA_DIR = "-Dgatestream.stack.dataDir=";

  /** Options of every supervised JVM: die on OOM rather than limp on, and never open a display. */
  private static final List<String> DAEMON_OPTIONS =
      List.of("-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true");

  private static final long POLL_MILLIS = 200;

  private final String name;
  private final String label;
  private final Path workDir;
  private final PidFile pidFile;
  private final Path log;
  private final Path out;
  private final List<String> markers;
  private final Duration stopTimeout;
  private final Duration killTimeout;

  /**
   * @param name short name, also of its files ({@code broker})
   * @param label how messages name it ({@code kafka broker})
   * @param workDir the process's working directory, which also tells its process apart from others
   *     of the same name
   */
  ProcessSupervisor(String name, String label, Path workDir, Path runDir, Path logDir) {
    this(name, label, workDir, runDir, logDir, DEFAULT_STOP_TIMEOUT, DEFAULT_KILL_TIMEOUT);
  }

  /**
   * @param stopTimeout how long {@link #stop()} waits after SIGTERM before it kills
   * @param killTimeout how long it then waits for the process to be gone
   */
  ProcessSupervisor(
      String name,
      String label,
      Path workDir,
      Path runDir,
      Path logDir,
      Duration stopTimeout,
      Duration killTimeout) {
    this.name = name;
    this.label = label;
    this.workDir = workDir;
    this.pidFile = new PidFile(runDir.resolve(name + ".pid"));
    this.log = logDir.resolve(name + ".log");
    this.out = logDir.resolve(name + ".out");
    this.markers = List.of(MARKER_COMPONENT + name, MARKER_DATA_DIR + workDir);
    this.stopTimeout = stopTimeout;
    this.killTimeout = killTimeout;
  }

  String name() {
    return name;
  }

  String label() {
    return label;
  }

  /** Where the process writes its own log, if it is told to. */
  Path log() {
    return log;
  }

  Path pidFilePath() {
    return pidFile.path();
  }

  /** The running process, if the pid file names a live process with this supervisor's markers. */
  Optional<ProcessHandle> live() {
    return pidFile.live(markers);
  }

  /** {@link #live()}, removing the pid file when it names no such process. */
  Optional<ProcessHandle> liveOrClearStale() throws StackException {
    Optional<ProcessHandle> live = live();
    if (live.isEmpty()) {
      deletePidFile();
    }
    return live;
  }

  /**
   * Starts {@code command} detached: in a session of its own where {@code setsid} exists (so a
   * terminal's SIGINT or SIGHUP aimed at the starting command does not reach it), output appended
   * to the console file, not a pipe, so it neither depends on nor dies with this JVM. Records its
   * pid.
   */
  ProcessHandle start(JvmCommand command) throws StackException {
    List<String> options = new ArrayList<>(DAEMON_OPTIONS);
    options.addAll(command.options());
    options.addAll(markers);
    List<String> line = new ArrayList<>(detachPrefix());
    line.addAll(
        new JvmCommand(command.heapMb(), options, command.target(), command.environment())
            .commandLine());
    try {
      Files.writeString(
          out,
          "---- " + Instant.now() + " starting " + label + ": " + String.join(" ", line) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(line)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      builder.environment().putAll(command.environment());
      Process process = builder.start();
      process.getOutputStream().close();
      pidFile.write(process.pid());
      return process.toHandle();
    } catch (IOException e) {
      throw new StackException("cannot start " + label + ": " + e.getMessage(), e);
    }
  }

  /**
   * Polls {@code probe} until it answers; fails fast when the process dies, and gives up after
   * {@code timeout}, stopping the process if {@code startedNow} (one that ran before is left
   * alone).
   */
  void awaitReady(ProcessHandle process, boolean startedNow, ReadinessProbe probe, Duration timeout)
      throws StackException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (probe.ready(Duration.ofNanos(Math.max(remaining, 0)))) {
        return;
      }
      if (!process.isAlive()) {
        deletePidFileQuietly();
        throw new StackException(label + " exited during startup; see " + logHint());
      }
      if (deadline - System.nanoTime() <= 0) {
        if (startedNow) {
          try {
            stop();
          } catch (StackException ignored) {
            // the timeout is the problem to report
          }
        }
        throw new StackException(
            label + " did not become ready within " + seconds(timeout) + "; see " + logHint());
      }
      try {
        // waits at most POLL_MILLIS, returns at once if the process dies meanwhile
        process
            .onExit()
            .get(
                Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // still alive: poll again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("interrupted while waiting for " + label + " to become ready", e);
      }
    }
  }

  /**
   * SIGTERM, then a kill if the process has not exited within the stop timeout; removes the pid
   * file.
   */
  void stop() throws StackException {
    Optional<ProcessHandle> live = live();
    if (live.isPresent()) {
      ProcessHandle process = live.get();
      process.destroy();
      if (!waitForExit(process, stopTimeout)) {
        process.destroyForcibly();
        if (!waitForExit(process, killTimeout)) {
          throw new StackException("could not stop " + label + " (pid " + process.pid() + ")");
        }
      }
    }
    deletePidFile();
  }

  /**
   * SIGKILL, as a crash: the process runs none of its shutdown. Returns once it has exited; its pid
   * file stays, stale, as a crash leaves it. Fails when it does not run.
   */
  void kill() throws StackException {
    ProcessHandle process = live().orElseThrow(() -> new StackException(label + " is not running"));
    process.destroyForcibly();
    if (!waitForExit(process, killTimeout)) {
      throw new StackException("could not kill " + label + " (pid " + process.pid() + ")");
    }
  }

  /** What runs, read-only: the pid file is inspected, not changed. */
  ComponentStatus status(String endpoint, String host, int port) {
    Optional<ProcessHandle> live = live();
    if (live.isPresent()) {
      long pid = live.get().pid();
      String listening = Ports.isListening(host, port, 500) ? "listening" : "not listening yet";
      return new ComponentStatus(
          name, true, pid, endpoint, Procs.rssBytes(pid), listening + "; log " + log);
    }
    Optional<Long> recorded = pidFile.read();
    String detail =
        recorded.isPresent()
            ? "not running (stale pid file "
                + pidFile.path()
                + ": pid "
                + recorded.get()
                + " is not this stack's "
                + name
                + ")"
            : "not running";
    return new ComponentStatus(name, false, -1, endpoint, -1, detail);
  }

  /**
   * Runs {@code command} in the foreground to completion, its output appended to {@code output}; an
   * exit code other than 0, or no exit within {@code timeout}, is an error naming {@code what} it
   * was doing.
   */
  static void runToCompletion(
      JvmCommand command, Path workDir, Path output, Duration timeout, String what)
      throws StackException {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command.commandLine())
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().putAll(command.environment());
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new StackException(
            what + " did not finish within " + seconds(timeout) + "; see " + output);
      }
      if (process.exitValue() != 0) {
        throw new StackException(
            what + " failed (exit code " + process.exitValue() + "); see " + output);
      }
    } catch (IOException e) {
      throw new StackException("cannot start " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while " + what, e);
    }
  }

  static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }

  private static boolean waitForExit(ProcessHandle process, Duration timeout)
      throws StackException {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while stopping pid " + process.pid(), e);
    }
  }

  private String logHint() {
    if (Files.isRegularFile(log)) {
      return log + " (console output: " + out + ")";
    }
    return out.toString();
  }

  private void deletePidFile() throws StackException {
    try {
      pidFile.delete();
    } catch (IOException e) {
      throw new StackException(
          "cannot remove pid file " + pidFile.path() + ": " + e.getMessage(), e);
    }
  }

  private void deletePidFileQuietly() {
    try {
      pidFile.delete();
    } catch (IOException ignored) {
      // reported by the caller's exception already
    }
  }

  private static List<String> detachPrefix() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return List.of(candidate);
      }
    }
    return List.of();
  }
}
