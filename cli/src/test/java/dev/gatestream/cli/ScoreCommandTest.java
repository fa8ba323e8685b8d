package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.score.ScoreRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code gatestream score} adds to the scoring job: its arguments, messages and exit codes,
 * where no broker is needed. The job itself is ScoreIT's.
 */
class ScoreCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int score(String... args) {
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 5];
    all[0] = "score";
    System.arraycopy(args, 0, all, 1, args.length);
    // A cluster that is never reached: every case here ends before the command connects.
    System.arraycopy(
        new String[] {"--bootstrap", "127.0.0.1:1", "--registry-url", "http://127.0.0.1:1"},
        0,
        all,
        args.length + 1,
        4);
    return cli.execute(all);
  }

  @Test
  void aCompleteOutputIsLeftAloneWithExitZero() throws Exception {
    Path input = Files.writeString(dir.resolve("in.csv"), "text\nhello\n");
    Path output = Files.writeString(dir.resolve("out.csv"), "text,request_id\nhello,r1\n");
    // The journal of a run that finished: its header, then the mark of completion.
    Files.writeString(
        ScoreRun.journalOf(output),
        "{\"run\":\"r1\",\"input\":\""
            + input
            + "\",\"fingerprint\":\""
            + sha256(input)
            + "\",\"format\":\"CSV\",\"replyTopic\":\"t-score-r1\"}\n{\"complete\":true}\n");

    assertThat(score(input.toString(), output.toString())).as(err.toString()).isZero();

    assertThat(out.toString())
        .contains(output + " is complete")
        .contains("nothing to do")
        .contains("--restart scores it again");
    assertThat(Files.readString(output)).isEqualTo("text,request_id\nhello,r1\n");
  }

  @Test
  void aNegativeWindowIsAUsageError() throws Exception {
    Path input = Files.writeString(dir.resolve("in.csv"), "text\nhello\n");

    assertThat(score(input.toString(), dir.resolve("out.csv").toString(), "--window", "-1"))
        .isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: --window must be 0 (sized from the pipeline) or more, --deadline-ms"
                + " positive"
                + System.lineSeparator());
  }

  @Test
  void aMissingInputIsNamed() {
    assertThat(score(dir.resolve("nope.csv").toString(), dir.resolve("out.csv").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no such input file").contains("nope.csv").hasLineCount(1);
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
