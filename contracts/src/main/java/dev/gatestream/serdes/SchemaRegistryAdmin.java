package dev.gatestream.serdes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * Administers subjects through the registry's Confluent-compatible API ({@code /apis/ccompat/v7}):
 * registering schemas and setting compatibility, so that what Gatestream registers is what any
 * Confluent-API client sees.
 */
public final class SchemaRegistryAdmin {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final String baseUrl;
  private final String api;
  private final HttpClient http;
  private final Duration timeout;
  private final Optional<String> authorization;

  public SchemaRegistryAdmin(String registryBaseUrl, Duration timeout) {
    this(registryBaseUrl, timeout, Optional.empty(), Optional.empty());
  }

  /**
   * @param tls the TLS context of an https registry, or empty for the JVM's default
   * @param authorization the {@code Authorization} header of every call, or empty for none
   */
  public SchemaRegistryAdmin(
      String registryBaseUrl,
      Duration timeout,
      Optional<SSLContext> tls,
      Optional<String> authorization) {
    this.baseUrl = RegistryUrls.base(registryBaseUrl);
    this.api = RegistryUrls.confluentApi(baseUrl);
    this.timeout = timeout;
    this.authorization = authorization;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout);
    tls.ifPresent(http::sslContext);
    this.http = http.build();
  }

  /** Subjects the registry holds; doubles as a reachability check. */
  public List<String> subjects() {
    JsonNode body = send("GET", "/subjects", null, 200);
    List<String> subjects = new ArrayList<>();
    body.forEach(node -> subjects.add(node.asText()));
    return subjects;
  }

  /** Sets the compatibility level that applies to subjects without one of their own. */
  public void setGlobalCompatibility(String level) {
    send("PUT", "/config", Map.of("compatibility", level), 200);
  }

  /** Sets a subject's own compatibility level; the subject must have been registered. */
  public void setCompatibility(String subject, String level) {
    send("PUT", "/config/" + encode(subject), Map.of("compatibility", level), 200);
  }

  /**
   * Registers an Avro schema under a subject (a no-op returning the existing id when the same
   * schema is already there).
   *
   * @return the schema id, as it appears in the Confluent wire format
   * @throws IncompatibleSchemaException when the schema breaks the subject's compatibility rule
   */
  public int register(String subject, Schema schema) {
    Map<String, Object> payload = Map.of("schema", schema.toString(), "schemaType", "AVRO");
    try {
      return send("POST", "/subjects/" + encode(subject) + "/versions", payload, 200)
          .get("id")
          .asInt();
    } catch (HttpStatusException e) {
      if (e.status == 409) {
        throw new IncompatibleSchemaException(subject, e.registryMessage);
      }
      throw e;
    }
  }

  /**
   * The schema a Confluent-wire-format id refers to. Apicurio's serializers register nested named
   * types as references to other subjects, so those are fetched and parsed first.
   */
  public Schema schemaById(int id) {
    Schema.Parser parser = new Schema.Parser();
    return parseWithReferences(send("GET", "/schemas/ids/" + id, null, 200), parser);
  }

  private Schema parseWithReferences(JsonNode schemaNode, Schema.Parser parser) {
    for (JsonNode reference : schemaNode.path("references")) {
      String type = reference.get("name").asText();
      if (!parser.getTypes().containsKey(type)) {
        parseWithReferences(
            send(
                "GET",
                "/subjects/"
                    + encode(reference.get("subject").asText())
                    + "/versions/"
                    + reference.get("version").asText(),
                null,
                200),
            parser);
      }
    }
    return parser.parse(schemaNode.get("schema").asText());
  }

  private JsonNode send(String method, String path, Object payload, int expectedStatus) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(timeout)
            .header("Accept", CONTENT_TYPE);
    authorization.ifPresent(value -> request.header("Authorization", value));
    try {
      if (payload == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload)));
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expectedStatus) {
        throw new HttpStatusException(
            method + " " + path, response.statusCode(), messageOf(response.body()));
      }
      return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException(
          "schema registry at " + baseUrl + " is not reachable: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while calling the schema registry at " + baseUrl, e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer within the timeout";
    }
    String message =
        e.getMessage() != null
            ? e.getMessage()
            : e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage()
                : e.getClass().getSimpleName();
    return message.replace('\n', ' ');
  }

  private static String messageOf(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.hasNonNull("message")) {
        return node.get("message").asText().replace('\n', ' ');
      }
    } catch (IOException notJson) {
      // fall through: show the raw body
    }
    String flat = body.replace('\n', ' ').strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }

  /** A call answered with an unexpected status. */
  static final class HttpStatusException extends RegistryException {
    final int status;
    final String registryMessage;

    HttpStatusException(String call, int status, String registryMessage) {
      super("schema registry answered " + status + " to " + call + ": " + registryMessage);
      this.status = status;
      this.registryMessage = registryMessage;
    }
  }
}
