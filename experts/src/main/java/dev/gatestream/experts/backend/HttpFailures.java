package dev.gatestream.experts.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.experts.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/** How HTTP backends turn a failed exchange into a one-line, transient-or-permanent failure. */
final class HttpFailures {

  private static final int MAX_DETAIL = 200;

  private HttpFailures() {}

  /** Overload, server trouble and request timeouts pass; other client errors repeat if retried. */
  static boolean isTransient(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  static Outcome.Failure ofStatus(HttpResponse<String> response, ObjectMapper json) {
    return new Outcome.Failure(
        "HTTP "
            + response.statusCode()
            + " from "
            + response.uri()
            + ": "
            + detail(response.body(), json),
        isTransient(response.statusCode()));
  }

  /** A failure to exchange at all: timeouts and I/O errors are transient. */
  static Outcome.Failure ofThrowable(Throwable thrown, URI uri, Duration timeout) {
    Throwable t =
        thrown instanceof CompletionException && thrown.getCause() != null
            ? thrown.getCause()
            : thrown;
    if (t instanceof HttpTimeoutException) {
      return Outcome.transientFailure(
          "no answer from " + uri + " within " + timeout.toMillis() + " ms");
    }
    if (t instanceof IOException) {
      return Outcome.transientFailure("cannot reach " + uri + ": " + oneLine(String.valueOf(t)));
    }
    return Outcome.permanent("request to " + uri + " failed: " + oneLine(String.valueOf(t)));
  }

  /** The message of an OpenAI- or KServe-style error body, else the body itself, cut short. */
  static String detail(String body, ObjectMapper json) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    try {
      JsonNode error = json.readTree(body).path("error");
      JsonNode message = error.isObject() ? error.path("message") : error;
      if (message.isTextual()) {
        return oneLine(message.asText());
      }
    } catch (IOException e) {
      // Not JSON: fall through to the raw body.
    }
    return oneLine(body);
  }

  static String oneLine(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL - 3) + "...";
  }
}
