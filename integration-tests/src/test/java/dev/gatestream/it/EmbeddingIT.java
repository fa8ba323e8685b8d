package dev.gatestream.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.gateway.client.AsyncRequestReplyClient;
import dev.gatestream.gateway.client.ReplyRoute;
import dev.gatestream.gateway.client.RequestReplyClient.Settings;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's embedding example, as it is printed there: the data plane of
 * examples/gsm8k.properties started from plain Java, and one request answered through the
 * request/reply client.
 */
@ExtendWith(GatestreamStackExtension.class)
class EmbeddingIT {

  private static final Path HOME =
      Path.of(System.getProperty("gatestream.home", "..")).toAbsolutePath();
  private static final Path SOURCE =
      HOME.resolve("integration-tests/src/test/java/dev/gatestream/it/EmbeddingIT.java");

  private final StackEndpoints stack;

  EmbeddingIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theReadmeExampleRunsAsPrinted() throws Exception {
    String bootstrap = stack.bootstrapServers();
    String registryUrl = stack.registryUrl();
    Path home = HOME;
    Map<String, String> settings =
        Map.of(
            GatestreamConfig.BOOTSTRAP,
            bootstrap,
            GatestreamConfig.REGISTRY_URL,
            registryUrl,
            GatestreamConfig.TOPIC_PREFIX,
            TestNames.unique("embedded") + "-",
            GatestreamConfig.METRICS_PORT,
            "0");
    FusedResult answer;
    // readme:begin
    GatestreamConfig config =
        new ConfigLoader(Map.of()).load(home.resolve("examples/gsm8k.properties"), settings);
    Provisioning provisioning = new Provisioning(new Deployment(config, home), home);
    provisioning.applyTopics(null); // the catalogue's topics and schemas
    Set<Stage> stages = EnumSet.of(Stage.ROUTER, Stage.EXPERTS, Stage.FUSION);
    var replies = new Settings("my-service", ReplyRoute.sharedResults(), 64, Duration.ofSeconds(5));
    try (var running = provisioning.startStages(provisioning.experts(), stages, "my-service");
        var serdes = new RegistrySerdes(registryUrl, false);
        var clients =
            AsyncRequestReplyClient.open(
                new KafkaClients(config, bootstrap),
                serdes,
                Topics.from(config),
                replies,
                Clock.systemUTC(),
                "my-service")) {
      var question =
          InferenceRequest.newBuilder().setId("gsm8k.7").setText("Carla is downloading...");
      answer =
          clients.request(question, System.currentTimeMillis() + 30_000).result().get(30, SECONDS);
    }
    // readme:end
    assertThat(answer.getRequestId()).isEqualTo("gsm8k.7");
    assertThat(answer.getCompleteness()).isEqualTo(Completeness.COMPLETE);
    assertThat(answer.getContributors()).isNotEmpty();

    String readme = Files.readString(HOME.resolve("README.md"));
    assertThat(readme)
        .as("README.md shows this test's example as it runs here")
        .contains(example());
  }

  /** The lines between the markers, as the README prints them (indented by two fewer levels). */
  private static String example() throws Exception {
    String source = Files.readString(SOURCE);
    String marked =
        source.substring(
            source.indexOf("// readme:begin\n") + "// readme:begin\n".length(),
            source.indexOf("    // readme:end"));
    return marked
        .lines()
        .map(line -> line.length() >= 4 ? line.substring(4) : line)
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
