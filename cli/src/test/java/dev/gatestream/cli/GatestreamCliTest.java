package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's contract for bad input: one line on stderr naming the problem, exit code 2. */
class GatestreamCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void invalidSettingIsOneLineAndExitTwo() {
    assertThat(run("topics", "apply", "--set", "stack.broker.port=70000")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("gatestream: bad configuration:")
        .contains("stack.broker.port")
        .hasLineCount(1);
  }

  @Test
  void unknownSettingIsNamed() {
    assertThat(run("stack", "status", "--set", "stack.brokr.port=1")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown setting 'stack.brokr.port'").hasLineCount(1);
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("stak", "up")).isEqualTo(2);
    assertThat(err.toString()).contains("stak").hasLineCount(1);
  }

  @Test
  @Timeout(30)
  void registryThatIsDownIsNamedBeforeAnyTopicIsTouched() throws IOException {
    int closedPort = closedPort();
    assertThat(
            run(
                "topics",
                "apply",
                "--bootstrap",
                "127.0.0.1:" + closedPort(),
                "--registry-url",
                "http://127.0.0.1:" + closedPort,
                "--set",
                "client.timeout.ms=2000"))
        .isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: schema registry at http://127.0.0.1:"
                + closedPort
                + " is not reachable: connection refused"
                + System.lineSeparator());
  }

  @Test
  void portInUseIsNamed(@TempDir Path stackDir) throws IOException {
    Path home = GlobalOptions.home();
    assumeTrue(
        Files.isDirectory(home.resolve("deploy/broker/target/lib"))
            && Files.isRegularFile(
                home.resolve("deploy/registry/target/quarkus-app/quarkus-run.jar")),
        "the local stack is not built (run from the reactor)");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int exit =
          run(
              "stack",
              "up",
              "--set",
              "stack.dir=" + stackDir,
              "--set",
              "stack.broker.port=" + taken.getLocalPort());
      assertThat(exit).isEqualTo(2);
      assertThat(err.toString())
          .isEqualTo(
              "gatestream: port "
                  + taken.getLocalPort()
                  + " (kafka broker) is already in use by another process"
                  + System.lineSeparator());
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void externalBootstrapWithoutRegistryIsNamed() {
    assertThat(run("topics", "apply", "--bootstrap", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("registry.url is not set").hasLineCount(1);
  }
}
