package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatestream adaptation}: what it says when the Flink cluster or the job jar is missing. */
@Timeout(30)
class AdaptationCommandTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    picocli.CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void submitToAClusterThatDoesNotAnswerIsOneLineAndExitCode2(@TempDir Path dir)
      throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Path jar = Files.write(dir.resolve("job.jar"), new byte[] {1});

    int exit =
        run(
            "adaptation",
            "submit",
            "--bootstrap",
            "127.0.0.1:9",
            "--registry-url",
            "http://127.0.0.1:9",
            "--jar",
            jar.toString(),
            "--flink-rest",
            "http://127.0.0.1:" + closed);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: cannot reach the Flink REST API at http://127.0.0.1:"
                + closed
                + " (is the cluster running?)"
                + System.lineSeparator());
  }

  @Test
  void stopWithoutASavepointDirectoryValueIsAUsageError() {
    assertThat(run("adaptation", "stop", "--savepoint-dir")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter").hasLineCount(1);
  }
}
