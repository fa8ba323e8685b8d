package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.cli.GatestreamCli;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The CLI against a real registry: an unreachable bootstrap is one line and exit code 2. */
@ExtendWith(GatestreamStackExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliErrorsIT {

  private final StackEndpoints stack;

  CliErrorsIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  void unreachableBootstrapIsNamedInOneLine() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("topics", "apply", "--bootstrap", "127.0.0.1:" + closedPort,
        "--registry-url", stack.registryUrl(), "--set", "client.timeout.ms=3000");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("gatestream: cannot reach Kafka at 127.0.0.1:" + closedPort
        + " within 3s (is the broker running and the address right?)" + System.lineSeparator());
  }
}
