package dev.gatestream.experts.backend;

import static dev.gatestream.experts.TestTasks.withText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.Outcome;
import dev.gatestream.experts.backend.FakeHttpServer.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiChatBackendTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private FakeHttpServer server;

  /** Answers like the chat completions API: an echo of the prompt, with token usage. */
  @BeforeEach
  void start() throws Exception {
    server =
        new FakeHttpServer(
            request -> {
              String prompt = request.body().path("messages").path(0).path("content").asText();
              return Reply.ok(
                  """
          {"id": "chatcmpl-1", "object": "chat.completion", "model": "m",
           "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "echo: %s"}}],
           "usage": {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}}
          """
                      .formatted(prompt));
            });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiChatBackend backend(OptionalDouble pricePer1k, Optional<String> key) {
    return backend(server.baseUrl(), pricePer1k, key);
  }

  private static OpenAiChatBackend backend(
      URI baseUrl, OptionalDouble pricePer1k, Optional<String> key) {
    return new OpenAiChatBackend(
        new BackendSettings.OpenAiChat(baseUrl, "llama-3-8b", 64, Optional.empty(), pricePer1k),
        key,
        true); // the test server speaks plain HTTP
  }

  @Test
  void sendsEachPromptAndReadsTheFirstChoice() throws Exception {
    OpenAiChatBackend backend = backend(OptionalDouble.of(0.5), Optional.of("sk-test"));

    List<Outcome> outcomes =
        backend.answer(
            List.of(withText("r1", "llm", "What is 2+2?"), withText("r2", "llm", "Name a colour.")),
            TIMEOUT);

    Outcome.Answer first = (Outcome.Answer) outcomes.get(0);
    assertThat(first.output()).isEqualTo(new TextAnswer("echo: What is 2+2?"));
    assertThat(first.cost().getAsDouble()).isCloseTo(20 * 0.5 / 1000, within(1e-12));
    assertThat(first.latencyMs()).isPresent();
    assertThat(((Outcome.Answer) outcomes.get(1)).output())
        .isEqualTo(new TextAnswer("echo: Name a colour."));
    assertThat(server.seen())
        .hasSize(2)
        .allSatisfy(
            seen -> {
              assertThat(seen.path()).isEqualTo("/v1/chat/completions");
              assertThat(seen.authorization()).isEqualTo("Bearer sk-test");
              assertThat(seen.body().path("model").asText()).isEqualTo("llama-3-8b");
              assertThat(seen.body().path("max_tokens").asInt()).isEqualTo(64);
              assertThat(seen.body().path("messages").path(0).path("role").asText())
                  .isEqualTo("user");
            });
  }

  @Test
  void leavesTheCostToThePricePerCallWhenNoTokenPriceIsSet() throws Exception {
    Outcome.Answer answer =
        (Outcome.Answer)
            backend(OptionalDouble.empty(), Optional.empty())
                .answer(List.of(withText("r1", "llm", "hi")), TIMEOUT)
                .get(0);

    assertThat(answer.cost()).isEmpty();
    assertThat(server.seen().get(0).authorization()).isNull();
  }

  @Test
  void overloadAndServerErrorsAreTransientOtherClientErrorsPermanent() throws Exception {
    OpenAiChatBackend backend = backend(OptionalDouble.empty(), Optional.empty());
    server.script(
        request ->
            switch (request.body().path("messages").path(0).path("content").asText()) {
              case "busy" ->
                  Reply.status(
                      429,
                      "{\"error\": {\"message\": \"Rate limit reached for sk-secret\","
                          + " \"code\": \"rate_limit_exceeded\"}}");
              case "down" -> Reply.status(503, "upstream connect error");
              default ->
                  Reply.status(400, "{\"error\": {\"message\": \"model 'x' does not exist\"}}");
            });

    List<Outcome> outcomes =
        backend.answer(
            List.of(
                withText("a", "llm", "busy"),
                withText("b", "llm", "down"),
                withText("c", "llm", "bad")),
            TIMEOUT);

    String endpoint = server.baseUrl() + "/v1/chat/completions";
    String logged = "; the body is in the expert's log under request ";
    // The bodies are not passed on: only the status, the error code when there is one, the ids.
    assertThat(outcomes)
        .containsExactly(
            Outcome.transientFailure(
                "HTTP 429 (rate_limit_exceeded) from " + endpoint + logged + "a"),
            Outcome.transientFailure("HTTP 503 from " + endpoint + logged + "b"),
            Outcome.permanent("HTTP 400 from " + endpoint + logged + "c"));
  }

  @Test
  void anApiKeyIsNotSentOverPlainHttpUnlessAllowed() {
    BackendSettings.OpenAiChat plain =
        new BackendSettings.OpenAiChat(
            URI.create("http://llm.internal"), "m", 16, Optional.empty(), OptionalDouble.empty());
    assertThatThrownBy(() -> new OpenAiChatBackend(plain, Optional.of("sk-1"), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clear text")
        .hasMessageContaining(GatestreamConfig.EXPERTS_ALLOW_INSECURE_HTTP);
    assertThat(new OpenAiChatBackend(plain, Optional.empty(), false)).isNotNull();
    assertThat(new OpenAiChatBackend(plain, Optional.of("sk-1"), true)).isNotNull();
  }

  @Test
  void aSlowAnswerTimesOutTransiently() throws Exception {
    server.script(request -> new Reply(200, "{}", 2_000));

    Outcome outcome =
        backend(OptionalDouble.empty(), Optional.empty())
            .answer(List.of(withText("a", "llm", "hi")), Duration.ofMillis(200))
            .get(0);

    assertThat(outcome)
        .isEqualTo(
            Outcome.transientFailure(
                "no answer from " + server.baseUrl() + "/v1/chat/completions within 200 ms"));
  }

  @Test
  void anUnreachableServerIsTransient() throws Exception {
    URI gone = server.baseUrl();
    server.close();

    Outcome outcome =
        backend(gone, OptionalDouble.empty(), Optional.empty())
            .answer(List.of(withText("a", "llm", "hi")), TIMEOUT)
            .get(0);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.Failure.class,
            f -> {
              assertThat(f.transientFailure()).isTrue();
              assertThat(f.message()).startsWith("cannot reach " + gone + "/v1/chat/completions");
            });
  }

  @Test
  void requestsWithoutTextAndUnexpectedAnswersFailPermanently() throws Exception {
    server.script(request -> Reply.ok("{\"choices\": []}"));

    List<Outcome> outcomes =
        backend(OptionalDouble.empty(), Optional.empty())
            .answer(List.of(withText("a", "llm", null), withText("b", "llm", "hi")), TIMEOUT);

    assertThat(outcomes.get(0))
        .isEqualTo(Outcome.permanent("request a has no text to send to llama-3-8b"));
    assertThat(((Outcome.Failure) outcomes.get(1)).message())
        .startsWith("no choices[0].message.content from")
        .endsWith("the body is in the expert's log under request b");
    assertThat(server.seen()).hasSize(1);
  }
}
