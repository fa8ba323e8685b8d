package dev.gatestream.experts;

import static dev.gatestream.experts.TestTasks.farFuture;
import static dev.gatestream.experts.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.backend.KServeV2Backend;
import dev.gatestream.experts.backend.OpenAiChatBackend;
import dev.gatestream.experts.replay.ReplayBackend;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertBackendsTest {

  private static final String GPT4 = "gpt-4-1106-preview";

  @TempDir Path dir;

  private static Path fixture() throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(
                ExpertBackendsTest.class
                    .getClassLoader()
                    .getResource("routing/routellm-gsm8k-60.csv"))
            .toURI());
  }

  @Test
  void replayExpertsShareOneCopyOfTheirLog() throws Exception {
    ExpertBackends backends = new ExpertBackends();
    Path log = fixture();

    ExpertBackend gpt4 = backends.create(ExpertSpec.replayDefaults(GPT4, List.of(log)));
    ExpertBackend mixtral =
        backends.create(
            ExpertSpec.replayDefaults("mistralai/Mixtral-8x7B-Instruct-v0.1", List.of(log)));

    assertThat(gpt4).isInstanceOf(ReplayBackend.class);
    assertThat(mixtral).isInstanceOf(ReplayBackend.class);
    assertThat(backends.replayLog(List.of(log)))
        .isSameAs(
            backends.replayLog(
                List.of(log.getParent().resolve("../routing/routellm-gsm8k-60.csv"))));
    assertThat(gpt4.answer(List.of(task("gsm8k.2", GPT4, farFuture())), Duration.ofSeconds(1)))
        .extracting(o -> ((Outcome.Answer) o).output())
        .containsExactly(new Score(0.0));
  }

  private static ExpertSpec spec(String name, BackendSettings backend) {
    return new ExpertSpec(
        name, backend, 0.01, 1, 8, 5, 1_000, 0, 10, ExpertSpec.CircuitBreakerSettings.DEFAULTS);
  }

  @Test
  void makesHttpBackendsWithTheApiKeyFromTheEnvironment() {
    ExpertBackends backends = new ExpertBackends(Map.of("LLM_KEY", "sk-1")::get, false);
    BackendSettings.OpenAiChat chat =
        new BackendSettings.OpenAiChat(
            URI.create("https://llm"), "m", 16, Optional.of("LLM_KEY"), OptionalDouble.empty());
    BackendSettings.KServeV2 kserve =
        new BackendSettings.KServeV2(
            URI.create("http://kserve"), "fraud", "input", Optional.empty(), List.of());

    assertThat(backends.create(spec("chat", chat))).isInstanceOf(OpenAiChatBackend.class);
    assertThat(backends.create(spec("fraud", kserve))).isInstanceOf(KServeV2Backend.class);
  }

  @Test
  void setupProblemsAreConfigErrorsNamingTheExpert() throws Exception {
    ExpertBackends backends = new ExpertBackends(Map.of("OTHER_KEY", "sk-2")::get, false);
    Path notAModel = Files.writeString(dir.resolve("model.onnx"), "not a model");

    assertThatThrownBy(
            () ->
                backends.create(
                    spec(
                        "chat",
                        new BackendSettings.OpenAiChat(
                            URI.create("http://llm"),
                            "m",
                            16,
                            Optional.of("LLM_KEY"),
                            OptionalDouble.empty()))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "expert 'chat' (http-openai): environment variable LLM_KEY"
                + " (settings.apiKeyEnv) is not set");
    assertThatThrownBy(
            () ->
                backends.create(
                    spec(
                        "plain",
                        new BackendSettings.OpenAiChat(
                            URI.create("http://llm"),
                            "m",
                            16,
                            Optional.of("OTHER_KEY"),
                            OptionalDouble.empty()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("expert 'plain' (http-openai): base URL http://llm would send")
        .hasMessageContaining(GatestreamConfig.EXPERTS_ALLOW_INSECURE_HTTP);
    assertThatThrownBy(
            () -> backends.create(ExpertSpec.replayDefaults("x", List.of(dir.resolve("no.csv")))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("expert 'x' (replay): cannot read replay log");
    assertThatThrownBy(
            () -> backends.create(ExpertSpec.replayDefaults("gpt-5", List.of(fixture()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has no expert 'gpt-5'");
    assertThatThrownBy(
            () ->
                backends.create(
                    spec(
                        "m",
                        new BackendSettings.Onnx(
                            notAModel, Optional.empty(), Optional.empty(), List.of(), 1))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("expert 'm' (onnx): cannot load the ONNX model:");
  }
}
