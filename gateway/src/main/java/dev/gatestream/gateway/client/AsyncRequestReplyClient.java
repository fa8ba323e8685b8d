package dev.gatestream.gateway.client;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/response over Kafka for callers that each wait for their own result: {@link #request}
 * gives a future that completes with the fused result, or fails when there will be none (not sent,
 * refused, unreadable, or past the give-up time, as a {@link TimeoutException}). A thread of its
 * own reads the replies; any thread may call. Callers holding futures hold no thread.
 */
public final class AsyncRequestReplyClient implements AutoCloseable {

  /** A request as sent, and its result to come. */
  public record Call(InferenceRequest request, CompletableFuture<FusedResult> result) {}

  /** Why a future failed without a result, other than a timeout or a failed send. */
  public static final class NoResultException extends KafkaException {
    NoResultException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The pipeline dead-lettered the request: no result will come. */
  public static final class RefusedException extends KafkaException {
    private final String stage;
    private final String code;
    private final String reason;

    public RefusedException(String stage, String code, String reason) {
      super("refused by the " + stage + ": " + reason);
      this.stage = stage;
      this.code = code;
      this.reason = reason;
    }

    public String stage() {
      return stage;
    }

    /** The dead letter's reason code, e.g. {@code invalid} or {@code duplicate}; may be empty. */
    public String code() {
      return code;
    }

    public String reason() {
      return reason;
    }
  }

  /** The client was closed, or its reader failed, before the result came. */
  public static final class ClientClosedException extends KafkaException {
    ClientClosedException(String message) {
      super(message);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AsyncRequestReplyClient.class);

  /** Also how often give-up times are checked. */
  private static final Duration POLL = Duration.ofMillis(100);

  private final RequestReplyClient<CompletableFuture<FusedResult>> client;
  private final Thread reader;
  private volatile boolean reading = true;
  private volatile String failure;

  /**
   * Opens a client (see {@link RequestReplyClient#open}) and starts reading its replies.
   *
   * @param name names the reader thread
   */
  public static AsyncRequestReplyClient open(
      KafkaClients clients,
      GatestreamSerdes serdes,
      Topics topics,
      RequestReplyClient.Settings settings,
      Clock clock,
      String name) {
    return new AsyncRequestReplyClient(
        RequestReplyClient.open(clients, serdes, topics, settings, clock), name);
  }

  /**
   * Takes over an open client, whose window bounds the calls in flight, and starts reading its
   * replies.
   */
  public AsyncRequestReplyClient(
      RequestReplyClient<CompletableFuture<FusedResult>> client, String name) {
    this.client = client;
    this.reader = new Thread(this::read, "replies-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Sends a request, stamped as {@link RequestReplyClient#send} does.
   *
   * @throws DuplicateRequestException when a request with its id is in flight
   * @throws IllegalStateException when the window is full
   * @throws ClientClosedException when replies are no longer read
   */
  public Call request(InferenceRequest.Builder request, long deadlineMs) {
    if (!reading) {
      throw new ClientClosedException("not reading replies");
    }
    CompletableFuture<FusedResult> result = new CompletableFuture<>();
    Call call = new Call(client.send(request, deadlineMs, result), result);
    if (!reading) {
      failInFlight(); // the reader stopped meanwhile: nobody else will
    }
    return call;
  }

  /** True while replies are read. */
  public boolean healthy() {
    return problem().isEmpty();
  }

  /** Why results cannot come now: replies no longer read, or requests not produced. */
  public Optional<String> problem() {
    if (!reading || !reader.isAlive()) {
      return Optional.of("not reading replies" + (failure == null ? "" : ": " + failure));
    }
    return client.sendFailure().map(why -> "cannot send requests: " + why);
  }

  /** The topic requests name as their replyTo, or null for the shared results topic. */
  public String replyTopic() {
    return client.replyTopic();
  }

  private void read() {
    try {
      while (reading) {
        client.poll(POLL).forEach(AsyncRequestReplyClient::complete);
        client.expire().forEach(AsyncRequestReplyClient::complete);
      }
    } catch (WakeupException closing) {
      // close() woke us up
    } catch (RuntimeException e) {
      LOG.error("reading replies failed; the requests in flight fail", e);
      failure = e.toString();
    } finally {
      reading = false;
      failInFlight();
    }
  }

  private void failInFlight() {
    ClientClosedException closed = new ClientClosedException("stopped reading replies");
    client.abandon().forEach(future -> future.completeExceptionally(closed));
  }

  private static void complete(Outcome<CompletableFuture<FusedResult>> outcome) {
    CompletableFuture<FusedResult> future = outcome.tag();
    String id = outcome.requestId();
    if (outcome instanceof Outcome.Answered<CompletableFuture<FusedResult>> answered) {
      future.complete(answered.result());
    } else if (outcome instanceof Outcome.TimedOut) {
      future.completeExceptionally(
          new TimeoutException("no result for " + id + " by its deadline"));
    } else if (outcome instanceof Outcome.NotSent<CompletableFuture<FusedResult>> notSent) {
      future.completeExceptionally(notSent.error());
    } else if (outcome instanceof Outcome.Refused<CompletableFuture<FusedResult>> refused) {
      future.completeExceptionally(
          new RefusedException(refused.stage(), refused.code(), refused.reason()));
    } else if (outcome instanceof Outcome.Unreadable<CompletableFuture<FusedResult>> unreadable) {
      future.completeExceptionally(
          new NoResultException("unreadable result for " + id, unreadable.error()));
    }
  }

  /** Stops reading, fails the calls still in flight, and closes the clients. */
  @Override
  public void close() {
    reading = false;
    client.wakeup();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }
}
