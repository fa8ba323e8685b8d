package dev.gatestream.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.rest.client.exception.ContentNotFoundException;
import io.apicurio.registry.rest.client.exception.RateLimitedClientException;
import io.apicurio.registry.rest.client.exception.RestClientException;
import io.apicurio.registry.rest.v2.beans.Error;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class TransientFailuresTest {

  private static Error error(Integer code, String name) {
    Error error = new Error();
    error.setErrorCode(code);
    error.setName(name);
    error.setMessage("m");
    return error;
  }

  @Test
  void anUnreachableRegistryIsTransient() {
    // What Apicurio's JDK client throws when nothing listens: no status code, named after the
    // cause.
    assertThat(TransientFailures.reason(new RestClientException(error(null, "ConnectException"))))
        .hasValue("registry unreachable: ConnectException");
    assertThat(TransientFailures.isTransient(new ConnectException("refused"))).isTrue();
    assertThat(TransientFailures.isTransient(new HttpTimeoutException("request timed out")))
        .isTrue();
  }

  @Test
  void serverErrorsTimeoutsAndRateLimitsAreTransient() {
    assertThat(TransientFailures.isTransient(new RestClientException(error(503, "Unavailable"))))
        .isTrue();
    assertThat(TransientFailures.isTransient(new RestClientException(error(500, "Internal"))))
        .isTrue();
    assertThat(TransientFailures.isTransient(new RestClientException(error(408, "Timeout"))))
        .isTrue();
    assertThat(TransientFailures.isTransient(new RateLimitedClientException("slow down"))).isTrue();
  }

  @Test
  void aWrappedTransientFailureIsFoundInTheCauses() {
    SerializationException wrapped =
        new SerializationException(
            "cannot read",
            new IllegalStateException(new RestClientException(error(502, "Bad gateway"))));
    assertThat(TransientFailures.isTransient(wrapped)).isTrue();
    assertThat(
            TransientFailures.isTransient(
                new RegistryUnavailableException("gave up", new ConnectException())))
        .isTrue();
  }

  @Test
  void brokerErrorsKafkaRetriesAreTransient() {
    assertThat(TransientFailures.isTransient(new TimeoutException("expired"))).isTrue();
    assertThat(TransientFailures.isTransient(new NotLeaderOrFollowerException("moved"))).isTrue();
  }

  @Test
  void badRecordsAreNotTransient() {
    // An unknown schema id: the registry answered 404.
    assertThat(
            TransientFailures.isTransient(
                new ContentNotFoundException(error(404, "ContentNotFoundException"))))
        .isFalse();
    assertThat(TransientFailures.isTransient(new RestClientException(error(400, "Bad request"))))
        .isFalse();
    // Garbage and wrong types fail in the decoder, not in a request.
    assertThat(TransientFailures.isTransient(new SerializationException("Unknown magic byte!")))
        .isFalse();
    assertThat(
            TransientFailures.isTransient(
                new SerializationException("truncated", new EOFException())))
        .isFalse();
    assertThat(TransientFailures.isTransient(new AvroRuntimeException("Malformed data"))).isFalse();
    assertThat(TransientFailures.isTransient(new ClassCastException("not an ExpertTask")))
        .isFalse();
    assertThat(TransientFailures.isTransient(new RecordTooLargeException("too large"))).isFalse();
  }
}
