package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A registry that answers and a broker that does not: the CLI names the bootstrap in one line, exit
 * code 2. The registry is a stand-in that answers the one call made before Kafka is asked, its list
 * of subjects.
 */
@Timeout(30)
class CliErrorsTest {

  private HttpServer registry;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    registry.createContext(
        "/apis/ccompat/v7/subjects",
        exchange -> {
          byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add("Content-Type", "application/vnd.schemaregistry.v1+json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    registry.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.stop(0);
  }

  @Test
  void unreachableBootstrapIsNamedInOneLine() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int exit =
        cli.execute(
            "topics",
            "apply",
            "--bootstrap",
            "127.0.0.1:" + closedPort,
            "--registry-url",
            "http://127.0.0.1:" + registry.getAddress().getPort(),
            "--set",
            "client.timeout.ms=3000");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: cannot reach Kafka at 127.0.0.1:"
                + closedPort
                + " within 3s (is the broker running and the address right?)"
                + System.lineSeparator());
  }
}
