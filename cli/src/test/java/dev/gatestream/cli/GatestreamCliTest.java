package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
    assertThat(err.toString()).startsWith("gatestream: bad configuration:").contains("stack.broker.port")
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
  void unreachableBootstrapIsNamed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String bootstrap = "127.0.0.1:" + closedPort;
    assertThat(run("topics", "apply", "--bootstrap", bootstrap, "--registry-url", "http://127.0.0.1:1",
        "--set", "client.timeout.ms=2000")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("gatestream: cannot reach Kafka at " + bootstrap
        + " within 2s (is the broker running and the address right?)" + System.lineSeparator());
  }

  @Test
  void externalBootstrapWithoutRegistryIsNamed() {
    assertThat(run("topics", "apply", "--bootstrap", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("registry.url is not set").hasLineCount(1);
  }
}
