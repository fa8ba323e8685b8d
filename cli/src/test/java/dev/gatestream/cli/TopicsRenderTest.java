package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TopicsRenderTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void printsTheResourcesOfTheGivenExperts() {
    assertThat(run("topics", "render", "--format", "strimzi", "--experts", "alpha,beta")).isZero();
    String yaml = out.toString();
    assertThat(yaml)
        .startsWith("---\napiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\n")
        .contains("topicName: gatestream-expert-tasks-alpha")
        .contains("topicName: gatestream-expert-tasks-beta")
        .contains("kind: KafkaUser\nmetadata:\n  name: gatestream-expert-beta\n")
        .contains("kind: ScaledObject")
        .contains("consumerGroup: gatestream-expert-alpha");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void writesTheFilesWithTheCommandThatRegeneratesThem(@TempDir Path dir) throws IOException {
    assertThat(
            run(
                "topics",
                "render",
                "--format",
                "strimzi",
                "--experts",
                "alpha",
                "--cluster",
                "kafka-a",
                "--output-dir",
                dir.toString()))
        .isZero();
    for (String file : new String[] {"topics.yaml", "users.yaml", "experts.yaml", "scaling.yaml"}) {
      assertThat(out.toString()).contains(file);
      assertThat(Files.readString(dir.resolve(file)))
          .contains(
              "#   ./gatestream topics render --format strimzi --experts alpha --cluster kafka-a"
                  + " --output-dir ")
          .contains("kafka-a");
    }
  }

  @Test
  void anExpertKubernetesCannotNameIsOneLineAndExitTwo() {
    assertThat(run("topics", "render", "--format", "strimzi", "--experts", "meta/llama"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("not a valid Kubernetes name").hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anUnknownFormatIsExitTwo() {
    assertThat(run("topics", "render", "--format", "helm", "--experts", "alpha")).isEqualTo(2);
    assertThat(err.toString()).contains("helm").contains("strimzi");
  }
}
