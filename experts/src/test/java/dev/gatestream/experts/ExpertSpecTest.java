package dev.gatestream.experts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExpertSpecTest {

  @TempDir Path dir;

  @Test
  void loadsEveryBackendKindWithDefaultsAndRelativePaths() throws Exception {
    Path file = dir.resolve("experts.json");
    Files.writeString(
        file,
        """
        [
          {"name": "gpt-4-1106-preview", "backend": "replay", "price": 0.03,
           "settings": {"log": "logs/gsm8k.csv"}},
          {"name": "mistralai/Mixtral-8x7B-Instruct-v0.1", "backend": "replay",
           "concurrency": 4, "batchSize": 32, "batchLingerMs": 0, "timeoutMs": 2000,
           "maxRetries": 0, "retryBackoffMs": 50,
           "circuitBreaker": {"failureThreshold": 3, "openMs": 500},
           "settings": {"log": "/data/x.csv", "answer": "response", "latencyScale": 0.5}},
          {"name": "iris", "backend": "onnx",
           "settings": {"model": "iris.onnx", "labels": ["setosa", "versicolor", "virginica"]}},
          {"name": "llama", "backend": "http-openai", "price": 0.001,
           "settings": {"baseUrl": "http://vllm:8000/", "model": "meta-llama/Llama-3-8B",
                        "maxTokens": 64, "apiKeyEnv": "LLAMA_KEY", "pricePer1kTokens": 0.0002}},
          {"name": "fraud", "backend": "http-kserve",
           "settings": {"baseUrl": "https://kserve.local", "model": "fraud-v2", "input": "x"}}
        ]
        """);

    List<ExpertSpec> specs = ExpertSpec.load(file);

    assertThat(specs).hasSize(5);
    ExpertSpec gpt4 = specs.get(0);
    assertThat(gpt4.pricePerCall()).isEqualTo(0.03);
    assertThat(gpt4)
        .usingRecursiveComparison()
        .ignoringFields("pricePerCall")
        .isEqualTo(
            ExpertSpec.replayDefaults(
                "gpt-4-1106-preview", List.of(dir.resolve("logs/gsm8k.csv"))));
    ExpertSpec mixtral = specs.get(1);
    assertThat(mixtral.backend())
        .isEqualTo(
            new BackendSettings.Replay(
                List.of(Path.of("/data/x.csv")), BackendSettings.ReplayAnswer.RESPONSE, 0.5));
    assertThat(List.of(mixtral.concurrency(), mixtral.batchSize(), mixtral.maxRetries()))
        .containsExactly(4, 32, 0);
    assertThat(List.of(mixtral.batchLingerMs(), mixtral.timeoutMs(), mixtral.retryBackoffMs()))
        .containsExactly(0L, 2000L, 50L);
    assertThat(mixtral.circuitBreaker()).isEqualTo(new ExpertSpec.CircuitBreakerSettings(3, 500));
    assertThat(specs.get(2).backend())
        .isEqualTo(
            new BackendSettings.Onnx(
                dir.resolve("iris.onnx"),
                Optional.empty(),
                Optional.empty(),
                List.of("setosa", "versicolor", "virginica"),
                1));
    assertThat(specs.get(3).backend())
        .isEqualTo(
            new BackendSettings.OpenAiChat(
                URI.create("http://vllm:8000"),
                "meta-llama/Llama-3-8B",
                64,
                Optional.of("LLAMA_KEY"),
                OptionalDouble.of(0.0002)));
    assertThat(specs.get(4).backend())
        .isEqualTo(
            new BackendSettings.KServeV2(
                URI.create("https://kserve.local"), "fraud-v2", "x", Optional.empty(), List.of()));
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("{}", "experts.json: expected a JSON array of experts"),
        Arguments.of("[{\"name\": \"a\",]", "experts.json: not valid JSON at line 1:"),
        Arguments.of(
            "[{\"backend\": \"replay\"}]",
            "experts.json: entry 1: field 'name' is required and must be a non-empty string"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"grpc\"}]",
            "experts.json: expert 'a': field 'backend' unknown kind 'grpc' (expected replay, onnx,"
                + " http-openai or http-kserve)"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"settings\": {}}]",
            "experts.json: expert 'a': settings: field 'log' is required"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"batchSize\": 0,"
                + " \"settings\": {\"log\": \"x\"}}]",
            "experts.json: expert 'a': field 'batchSize' must be a whole number >= 1, got 0"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"timeoutMs\": \"fast\","
                + " \"settings\": {\"log\": \"x\"}}]",
            "experts.json: expert 'a': field 'timeoutMs' must be a whole number >= 1,"
                + " got \"fast\""),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"price\": -1,"
                + " \"settings\": {\"log\": \"x\"}}]",
            "experts.json: expert 'a': field 'price' must be a number >= 0, got -1"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"batchsize\": 4,"
                + " \"settings\": {\"log\": \"x\"}}]",
            "experts.json: expert 'a': unknown field 'batchsize' (known: backend, batchLingerMs,"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\","
                + " \"settings\": {\"log\": \"x\", \"model\": \"m\"}}]",
            "experts.json: expert 'a': settings: unknown field 'model' (known: answer, log,"
                + " latencyScale)"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\","
                + " \"settings\": {\"log\": \"x\", \"answer\": \"text\"}}]",
            "experts.json: expert 'a': settings: field 'answer' must be \"score\" or \"response\""),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"http-openai\","
                + " \"settings\": {\"baseUrl\": \"vllm:8000\", \"model\": \"m\"}}]",
            "experts.json: expert 'a': settings: field 'baseUrl' must be an http(s) URL"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"onnx\","
                + " \"settings\": {\"model\": \"m.onnx\", \"labels\": [1, 2]}}]",
            "experts.json: expert 'a': settings: field 'labels' must be an array of strings"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\","
                + " \"circuitBreaker\": {\"failureThreshold\": 0},"
                + " \"settings\": {\"log\": \"x\"}}]",
            "experts.json: expert 'a': circuitBreaker: field 'failureThreshold' must be a whole"
                + " number >= 1"),
        Arguments.of(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"settings\": {\"log\": \"x\"}},"
                + " {\"name\": \"a\", \"backend\": \"replay\", \"settings\": {\"log\": \"y\"}}]",
            "experts.json: expert 'a' is configured twice (entries 1 and 2)"),
        Arguments.of(
            "[{\"name\": \"a\", \"name\": \"b\"}]",
            "experts.json: not valid JSON at line 1: Duplicate field 'name'"));
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void reportsEachProblemOnOneLineWithExpertAndField(String json, String message) {
    assertThatThrownBy(() -> ExpertSpec.parse(json, "experts.json", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aShadowExpertHasItsSampleRateAndTasks() {
    List<ExpertSpec> specs =
        ExpertSpec.parse(
            "[{\"name\": \"a\", \"backend\": \"replay\", \"settings\": {\"log\": \"l.csv\"}},"
                + " {\"name\": \"b\", \"backend\": \"replay\", \"settings\": {\"log\": \"l.csv\"},"
                + " \"shadow\": true},"
                + " {\"name\": \"c\", \"backend\": \"replay\", \"settings\": {\"log\": \"l.csv\"},"
                + " \"shadow\": {\"rate\": 0.25, \"tasks\": [\"gsm8k\"]}}]",
            "experts.json",
            dir);

    assertThat(specs.get(0).isShadow()).isFalse();
    assertThat(specs.get(1).shadow())
        .isEqualTo(new ExpertSpec.Shadow(ExpertSpec.Shadow.DEFAULT_RATE, List.of()));
    assertThat(specs.get(2).shadow()).isEqualTo(new ExpertSpec.Shadow(0.25, List.of("gsm8k")));
    assertThat(specs.get(2).shadow().covers("gsm8k")).isTrue();
    assertThat(specs.get(2).shadow().covers("mmlu")).isFalse();
    assertThat(specs.get(2).withPrice(0.5).shadow()).isEqualTo(specs.get(2).shadow());
  }

  @Test
  void aShadowSampleOutsideItsRangeOrWithUnknownFieldsIsRefusedOnOneLine() {
    String entry =
        "[{\"name\": \"b\", \"backend\": \"replay\", \"settings\": {\"log\": \"l.csv\"},"
            + " \"shadow\": %s}]";
    assertThatThrownBy(
            () -> ExpertSpec.parse(String.format(entry, "{\"rate\": 0}"), "experts.json", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage("experts.json: expert 'b': shadow: field 'rate' must be in (0, 1], got 0.0");
    assertThatThrownBy(
            () -> ExpertSpec.parse(String.format(entry, "{\"share\": 0.1}"), "experts.json", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experts.json: expert 'b': shadow: unknown field 'share'");
    assertThatThrownBy(() -> ExpertSpec.parse(String.format(entry, "0.1"), "experts.json", dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("experts.json: expert 'b': field 'shadow' must be true, false or");
  }

  @Test
  void aMissingFileIsAConfigError() {
    assertThatThrownBy(() -> ExpertSpec.load(dir.resolve("none.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cannot read experts file");
  }
}
