package dev.gatestream.experts.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.ExpertBackend;
import dev.gatestream.experts.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An LLM behind an OpenAI-compatible chat completions API (OpenAI, vLLM, llama.cpp server, ...):
 * one request per task, the batch's requests sent concurrently. The request's text is the single
 * user message; the answer is the first choice's content. Cost comes from the reported token usage
 * when a price per 1000 tokens is configured, else it is the expert's price per call.
 */
public final class OpenAiChatBackend implements ExpertBackend {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BackendSettings.OpenAiChat settings;
  private final Optional<String> apiKey;
  private final URI endpoint;
  private final HttpClient http;

  /**
   * @param apiKey sent as a bearer token when present
   * @param allowInsecureHttp allow an API key over an {@code http://} base URL
   * @throws IllegalArgumentException when an API key would go over plain HTTP unless allowed
   */
  public OpenAiChatBackend(
      BackendSettings.OpenAiChat settings, Optional<String> apiKey, boolean allowInsecureHttp) {
    this.settings = settings;
    this.apiKey = apiKey;
    this.endpoint = URI.create(settings.baseUrl() + "/v1/chat/completions");
    if (apiKey.isPresent() && "http".equalsIgnoreCase(endpoint.getScheme()) && !allowInsecureHttp) {
      throw new IllegalArgumentException(
          "base URL "
              + settings.baseUrl()
              + " would send the API key in clear text: use https://, or set "
              + GatestreamConfig.EXPERTS_ALLOW_INSECURE_HTTP
              + "=true");
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) throws BackendException {
    List<CompletableFuture<Outcome>> calls = new ArrayList<>(tasks.size());
    for (ExpertTask task : tasks) {
      calls.add(call(task, timeout));
    }
    List<Outcome> outcomes = new ArrayList<>(tasks.size());
    try {
      for (CompletableFuture<Outcome> call : calls) {
        outcomes.add(call.get());
      }
    } catch (InterruptedException e) {
      calls.forEach(c -> c.cancel(true));
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted", true, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("outcomes are never exceptional", e);
    }
    return outcomes;
  }

  private CompletableFuture<Outcome> call(ExpertTask task, Duration timeout) {
    String text = task.getRequest().getText();
    if (text == null || text.isBlank()) {
      return CompletableFuture.completedFuture(
          Outcome.permanent(
              "request " + task.getRequestId() + " has no text to send to " + settings.model()));
    }
    ObjectNode body =
        JSON.createObjectNode()
            .put("model", settings.model())
            .put("max_tokens", settings.maxTokens());
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
    long start = System.nanoTime();
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, thrown) ->
                thrown != null
                    ? HttpFailures.ofThrowable(thrown, endpoint, timeout)
                    : outcome(
                        response, task.getRequestId(), (System.nanoTime() - start) / 1_000_000));
  }

  private Outcome outcome(HttpResponse<String> response, String requestId, long latencyMs) {
    if (response.statusCode() != 200) {
      return HttpFailures.ofStatus(response, JSON, requestId);
    }
    JsonNode root;
    try {
      root = JSON.readTree(response.body());
    } catch (IOException e) {
      return HttpFailures.unusable(endpoint, "not JSON", response.body(), requestId);
    }
    JsonNode content = root.path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      return HttpFailures.unusable(
          endpoint, "no choices[0].message.content", response.body(), requestId);
    }
    OptionalDouble cost = OptionalDouble.empty();
    JsonNode tokens = root.path("usage").path("total_tokens");
    if (settings.pricePer1kTokens().isPresent() && tokens.canConvertToLong()) {
      cost = OptionalDouble.of(tokens.asLong() * settings.pricePer1kTokens().getAsDouble() / 1000);
    }
    return new Outcome.Answer(new TextAnswer(content.asText()), cost, OptionalLong.of(latencyMs));
  }
}
