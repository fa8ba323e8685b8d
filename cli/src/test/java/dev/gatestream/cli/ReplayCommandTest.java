package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad replay input is one line and exit code 2, found before any cluster is asked (none listens
 * here).
 */
class ReplayCommandTest {

  @TempDir Path dir;
  private Path log;
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeLog() throws IOException {
    log =
        Files.writeString(
            dir.resolve("log.csv"), "id,prompt,task,a,b\nq0,hello,t,1,0\nq1,world,t,0,1\n");
  }

  private int replay(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("replay"));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap",
            "127.0.0.1:" + closedPort(),
            "--registry-url",
            "http://127.0.0.1:" + closedPort()));
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(all.toArray(String[]::new));
  }

  @Test
  void aMalformedLogNamesItsLine() throws IOException {
    Path broken =
        Files.writeString(
            dir.resolve("broken.csv"), "id,prompt,task,a,b\nq1,hello,t,1,0\nq2,world,t,1,high\n");

    assertThat(replay(broken.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("gatestream: ").contains("line 3").hasLineCount(1);
  }

  @Test
  void aRepeatedIdIsRefusedWhenAsked() throws IOException {
    Path repeated =
        Files.writeString(
            dir.resolve("repeated.csv"), "id,prompt,task,a,b\nq0,x,t,1,1\nq0,x,t,0,0\n");

    assertThat(replay(repeated.toString(), "--duplicates", "fail")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: "
                + repeated
                + " line 3: id 'q0' again (first on line 2)"
                + System.lineSeparator());
  }

  @Test
  void anUnknownSweptSettingIsNamed() throws IOException {
    assertThat(replay(log.toString(), "--sweep", "router.gate.lamda=1")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: --sweep: unknown setting 'router.gate.lamda'" + System.lineSeparator());
  }

  @Test
  void aLogHasNoOriginalTiming() throws IOException {
    assertThat(replay(log.toString(), "--original-timing")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--original-timing needs recorded requests")
        .hasLineCount(1);
  }

  @Test
  void theReplayedPolicyIsAGate() throws IOException {
    assertThat(replay(log.toString(), "--policy", "always:a")).isEqualTo(2);
    assertThat(err.toString())
        .contains("replay runs a router, so the policy is a gate kind")
        .hasLineCount(1);
  }

  @Test
  void aMissingLogIsNamed() throws IOException {
    assertThat(replay(dir.resolve("none.csv").toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("gatestream: no such log: " + dir.resolve("none.csv") + System.lineSeparator());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
