package dev.gatestream.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the JobManager's REST API tells the stack: whether it answers, and who registered. */
final class FlinkRestProbe {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String restUrl;

  FlinkRestProbe(String restUrl) {
    this.restUrl = restUrl;
  }

  /** {@code GET path} within {@code budget}; empty unless it answers 200 with JSON. */
  Optional<JsonNode> get(String path, Duration budget) {
    long millis = Math.max(200, Math.min(3000, budget.toMillis()));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(millis)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(restUrl + path))
            .timeout(Duration.ofMillis(millis))
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(JSON.readTree(response.body()))
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The resource ids of the registered TaskManagers; empty when the REST API does not answer. */
  Optional<List<String>> taskManagerIds(Duration budget) {
    return get("/taskmanagers", budget)
        .map(
            body -> {
              List<String> ids = new ArrayList<>();
              body.path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
              return ids;
            });
  }
}
