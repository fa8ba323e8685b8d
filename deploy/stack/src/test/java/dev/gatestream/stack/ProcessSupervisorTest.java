package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs (running {@link SupervisedTestProcess}) started, probed and stopped. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProcessSupervisorTest {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(ProcessHandle::destroyForcibly);
  }

  private ProcessSupervisor supervisor(Duration stopTimeout) {
    return new ProcessSupervisor(
        "child",
        "test process",
        dir,
        dir.resolve("run"),
        dir.resolve("logs"),
        stopTimeout,
        Duration.ofSeconds(30));
  }

  private ProcessHandle start(ProcessSupervisor supervisor, JvmCommand command) throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    ProcessHandle process = supervisor.start(command);
    started.add(process);
    return process;
  }

  private static JvmCommand child(String... args) throws URISyntaxException {
    Path classes =
        Path.of(
            SupervisedTestProcess.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    return JvmCommand.mainClass(
        32, classes.toString(), SupervisedTestProcess.class.getName(), args);
  }

  @Test
  void startsDetachedWaitsUntilReadyAndStopsWithSigterm() throws Exception {
    ProcessSupervisor supervisor = supervisor(ProcessSupervisor.DEFAULT_STOP_TIMEOUT);
    Path ready = dir.resolve("ready");

    ProcessHandle process = start(supervisor, child("ready", ready.toString()));
    supervisor.awaitReady(process, true, budget -> Files.exists(ready), READY_TIMEOUT);

    assertThat(supervisor.live()).map(ProcessHandle::pid).contains(process.pid());
    assertThat(Files.readString(supervisor.pidFilePath()).trim())
        .isEqualTo(Long.toString(process.pid()));
    assertThat(Procs.arguments(process).orElseThrow())
        .contains(
            "-XX:+ExitOnOutOfMemoryError",
            "-Xmx32m",
            "-Dgatestream.stack.component=child",
            "-Dgatestream.stack.dataDir=" + dir);
    assertThat(Files.readString(dir.resolve("logs/child.out"))).contains("starting test process: ");
    ComponentStatus running = supervisor.status("here", "127.0.0.1", 1);
    assertThat(running.running()).isTrue();
    assertThat(running.pid()).isEqualTo(process.pid());
    assertThat(running.endpoint()).isEqualTo("here");

    supervisor.stop();

    assertThat(process.isAlive()).isFalse();
    assertThat(supervisor.pidFilePath()).doesNotExist();
    assertThat(supervisor.status("here", "127.0.0.1", 1).running()).isFalse();
    supervisor.stop(); // nothing running: fine
  }

  @Test
  void passesTheEnvironment() throws Exception {
    ProcessSupervisor supervisor = supervisor(ProcessSupervisor.DEFAULT_STOP_TIMEOUT);
    Path written = dir.resolve("env");

    ProcessHandle process =
        start(
            supervisor,
            child("env", "GATESTREAM_TEST_VALUE", written.toString())
                .withEnvironment("GATESTREAM_TEST_VALUE", "42"));
    supervisor.awaitReady(process, true, budget -> Files.exists(written), READY_TIMEOUT);
    supervisor.stop();

    assertThat(Files.readString(written)).isEqualTo("42");
  }

  @Test
  void aProcessThatDiesDuringStartupIsReportedAtOnce() throws Exception {
    ProcessSupervisor supervisor = supervisor(ProcessSupervisor.DEFAULT_STOP_TIMEOUT);

    ProcessHandle process = start(supervisor, child("exit", "3"));

    assertThatThrownBy(() -> supervisor.awaitReady(process, true, budget -> false, READY_TIMEOUT))
        .isInstanceOf(StackException.class)
        .hasMessage("test process exited during startup; see " + dir.resolve("logs/child.out"));
    assertThat(supervisor.pidFilePath()).doesNotExist();
  }

  @Test
  void oneNeverReadyIsStoppedAtTheTimeout() throws Exception {
    ProcessSupervisor supervisor = supervisor(ProcessSupervisor.DEFAULT_STOP_TIMEOUT);
    Path ready = dir.resolve("ready");
    ProcessHandle process = start(supervisor, child("ready", ready.toString()));
    supervisor.awaitReady(process, false, budget -> Files.exists(ready), READY_TIMEOUT);

    assertThatThrownBy(
            () -> supervisor.awaitReady(process, true, budget -> false, Duration.ofMillis(500)))
        .isInstanceOf(StackException.class)
        .hasMessage(
            "test process did not become ready within 500ms; see " + dir.resolve("logs/child.out"));
    assertThat(process.isAlive()).isFalse();
    assertThat(supervisor.pidFilePath()).doesNotExist();
  }

  @Test
  void oneThatIgnoresSigtermIsKilledAfterTheStopTimeout() throws Exception {
    ProcessSupervisor supervisor = supervisor(Duration.ofMillis(500));
    Path ready = dir.resolve("ready");
    ProcessHandle process = start(supervisor, child("stubborn", ready.toString()));
    supervisor.awaitReady(process, true, budget -> Files.exists(ready), READY_TIMEOUT);

    supervisor.stop();

    assertThat(process.isAlive()).isFalse();
    assertThat(supervisor.pidFilePath()).doesNotExist();
  }

  @Test
  void aPidFileNamingAnotherProcessIsStale() throws Exception {
    ProcessSupervisor supervisor = supervisor(ProcessSupervisor.DEFAULT_STOP_TIMEOUT);
    long self = ProcessHandle.current().pid();
    new PidFile(supervisor.pidFilePath()).write(self);

    assertThat(supervisor.live()).isEmpty();
    assertThat(supervisor.status("here", "127.0.0.1", 1).detail())
        .isEqualTo(
            "not running (stale pid file "
                + supervisor.pidFilePath()
                + ": pid "
                + self
                + " is not this stack's child)");
    supervisor.stop(); // must not stop this JVM
    assertThat(supervisor.pidFilePath()).doesNotExist();
  }

  @Test
  void runsAToolToCompletion() throws Exception {
    Path output = dir.resolve("tool.out");

    ProcessSupervisor.runToCompletion(
        child("exit", "0"), dir, output, READY_TIMEOUT, "running the tool");

    assertThatThrownBy(
            () ->
                ProcessSupervisor.runToCompletion(
                    child("exit", "3"), dir, output, READY_TIMEOUT, "running the tool"))
        .isInstanceOf(StackException.class)
        .hasMessage("running the tool failed (exit code 3); see " + output);
  }
}
