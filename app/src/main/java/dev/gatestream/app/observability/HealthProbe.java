package dev.gatestream.app.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/** Asks a process's {@code /health} endpoint what its stages are doing. */
public final class HealthProbe {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;

  public HealthProbe(Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  /**
   * What the process at {@code host:port} said.
   *
   * @return its stages, or why it could not be asked (nothing listens, no answer in time, not a
   *     health endpoint)
   */
  public Answer probe(String host, int port) {
    String endpoint = host + ":" + port;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + endpoint + "/health"))
            .timeout(timeout)
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      MetricsEndpoint.StageHealth health =
          JSON.readValue(response.body(), MetricsEndpoint.StageHealth.class);
      return new Answer(endpoint, health.stages(), health.healthy(), null);
    } catch (ConnectException e) {
      return new Answer(
          endpoint, Map.of(), false, "nothing listens (is 'gatestream up' or 'run' running?)");
    } catch (HttpTimeoutException e) {
      return new Answer(
          endpoint, Map.of(), false, "no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new Answer(
          endpoint, Map.of(), false, "not a Gatestream health endpoint: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(endpoint, Map.of(), false, "interrupted");
    }
  }

  /**
   * @param stages each stage's state, empty when the process could not be asked
   * @param problem why it could not be asked, or null
   */
  public record Answer(
      String endpoint, Map<String, String> stages, boolean healthy, String problem) {}
}
