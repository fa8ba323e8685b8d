package dev.gatestream.gateway.client;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Request/response over Kafka for callers with many requests in flight: sends {@link
 * InferenceRequest}s to the requests topic (idempotent producer) asking for their results on a
 * {@link ReplyRoute}, and reads the route (read-committed consumer, no consumer group) to match
 * each result to its request by id.
 *
 * <p>The caller drives it: {@link #send} while {@link #hasRoom()} (at most {@code window} requests
 * in flight), {@link #poll} for the {@link Outcome}s of its requests, {@link #expire} those past
 * their give-up time. One thread polls, expires and asks for positions; any thread may send. {@link
 * AsyncRequestReplyClient} puts a future on each request instead.
 *
 * @param <T> what the caller attaches to each request, and gets back with its outcome
 */
public final class RequestReplyClient<T> implements AutoCloseable {

  /**
   * @param clientId the Kafka client id of the producer; the consumer's adds {@code -replies}
   * @param window most requests in flight
   * @param grace how long after its deadline a request's result is still waited for
   * @param producerTuning and {@code consumerTuning}: the caller's client settings (batching,
   *     fetching)
   */
  public record Settings(
      String clientId,
      ReplyRoute route,
      int window,
      Duration grace,
      Map<String, Object> producerTuning,
      Map<String, Object> consumerTuning) {

    public Settings {
      if (window < 1) {
        throw new IllegalArgumentException("window must be at least 1, not " + window);
      }
      producerTuning = Map.copyOf(producerTuning);
      consumerTuning = Map.copyOf(consumerTuning);
    }

    public Settings(String clientId, ReplyRoute route, int window, Duration grace) {
      this(clientId, route, window, grace, Map.of(), Map.of());
    }
  }

  private record Pending<T>(T tag, long giveUpAtMs) {}

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Producer<String, InferenceRequest> producer;
  private final Consumer<String, byte[]> consumer;
  private final Deserializer<FusedResult> results;
  private final Clock clock;
  private final String requestsTopic;
  private final String replyTo;
  private final String deadLettersTopic;

  /**
   * Dead letters that mean "no result will come": the router's of a request, fusion's of a
   * decision.
   */
  private final Set<String> refusingSources;

  private final int window;
  private final long graceMs;
  private final Map<String, Pending<T>> pending = new ConcurrentHashMap<>();
  private final Queue<Outcome<T>> sendFailures = new ConcurrentLinkedQueue<>();
  private Map<TopicPartition, Long> backlogEnd;
  private volatile String sendFailure;
  private boolean caughtUp;

  /**
   * Opens the clients from the one factory and positions the consumer on the route.
   *
   * @param serdes of the requests and results; stays the caller's to close
   */
  public static <T> RequestReplyClient<T> open(
      KafkaClients clients,
      GatestreamSerdes serdes,
      Topics topics,
      Settings settings,
      Clock clock) {
    Producer<String, InferenceRequest> producer =
        clients.producer(
            settings.clientId(),
            settings.producerTuning(),
            new StringSerializer(),
            serdes.valueSerde(topics.requests()).serializer());
    Consumer<String, byte[]> consumer;
    try {
      consumer =
          clients.consumer(
              settings.clientId() + "-replies",
              null,
              settings.consumerTuning(),
              new StringDeserializer(),
              new ByteArrayDeserializer());
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new RequestReplyClient<>(
        producer,
        consumer,
        serdes.valueSerde(topics.fusedResults()).deserializer(),
        topics,
        settings,
        clock);
  }

  /**
   * Takes over clients made elsewhere (in tests, a MockProducer and a MockConsumer), closing them
   * when closed or when positioning fails.
   *
   * @throws KafkaException when the requests topic or a topic of the route does not exist
   */
  public RequestReplyClient(
      Producer<String, InferenceRequest> producer,
      Consumer<String, byte[]> consumer,
      Deserializer<FusedResult> results,
      Topics topics,
      Settings settings,
      Clock clock) {
    this.producer = producer;
    this.consumer = consumer;
    this.results = results;
    this.clock = clock;
    this.requestsTopic = topics.requests().name();
    this.replyTo = settings.route().replyTopic();
    this.deadLettersTopic = settings.route().deadLetters() ? topics.deadLetters().name() : null;
    this.refusingSources = Set.of(requestsTopic, topics.decisions().name());
    this.window = settings.window();
    this.graceMs = settings.grace().toMillis();
    try {
      position(settings.route(), replyTo != null ? replyTo : topics.fusedResults().name());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void position(ReplyRoute route, String resultsTopic) {
    // Also fails now, rather than at the first send, when the requests topic is missing.
    if (producer.partitionsFor(requestsTopic).isEmpty()) {
      throw new KafkaException(
          "no topic " + requestsTopic + " to send requests to: is the pipeline deployed?");
    }
    List<TopicPartition> replies = partitions(resultsTopic);
    List<TopicPartition> all = new ArrayList<>(replies);
    if (deadLettersTopic != null) {
      all.addAll(partitions(deadLettersTopic));
    }
    consumer.assign(all);
    for (TopicPartition partition : all) {
      Long at = route.resumeAt().get(partition);
      if (at != null) {
        consumer.seek(partition, at);
      } else if (route.fromBeginning() && replies.contains(partition)) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seekToEnd(List.of(partition)); // results of ours come only after this
      }
    }
    // position() resolves the lazy seeks now, so no result of a request sent from here on slips
    // past.
    all.forEach(consumer::position);
    backlogEnd = consumer.endOffsets(all);
  }

  private List<TopicPartition> partitions(String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new KafkaException("no topic " + topic + " to read results from: create it first");
    }
    return partitions;
  }

  /**
   * The topic each request names as its replyTo; null when results are read on the shared topic.
   */
  public String replyTopic() {
    return replyTo;
  }

  /** Why the latest request sent could not be produced; empty once one is produced again. */
  public Optional<String> sendFailure() {
    return Optional.ofNullable(sendFailure);
  }

  public int inFlight() {
    return pending.size();
  }

  /** Whether another request may be sent: fewer than {@code window} are in flight. */
  public boolean hasRoom() {
    return pending.size() < window;
  }

  /**
   * Stamps the request (created now, its deadline {@code deadlineMs} from now, its replyTo the
   * route's) and sends it. A failure to produce it comes back from {@link #poll} as {@link
   * Outcome.NotSent}.
   *
   * @param tag given back with the request's outcome
   * @return the request as sent
   * @throws IllegalStateException when the window is full
   * @throws DuplicateRequestException when a request with its id is in flight
   */
  public InferenceRequest send(InferenceRequest.Builder request, long deadlineMs, T tag) {
    if (!hasRoom()) {
      throw new IllegalStateException(
          "already " + window + " requests in flight: poll before sending more");
    }
    long now = clock.millis();
    InferenceRequest stamped =
        request.setCreatedAtMs(now).setDeadlineMs(now + deadlineMs).setReplyTo(replyTo).build();
    String id = stamped.getId();
    Pending<T> waiting = new Pending<>(tag, stamped.getDeadlineMs() + graceMs);
    if (pending.putIfAbsent(id, waiting) != null) {
      throw new DuplicateRequestException(id);
    }
    try {
      ProducerRecord<String, InferenceRequest> record =
          new ProducerRecord<>(requestsTopic, id, stamped);
      if (replyTo != null) {
        // Carried into the router's dead letter: whose refusal it is, whatever the ids of others.
        record.headers().add(GatestreamHeaders.REPLY_TO, replyTo.getBytes(StandardCharsets.UTF_8));
      }
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              sendFailure = error.getMessage() == null ? error.toString() : error.getMessage();
              notSent(id, waiting, error);
            } else {
              sendFailure = null;
            }
          });
    } catch (RuntimeException e) {
      // Serialization, or a producer that is closed or cannot get metadata: this request fails
      // alone.
      notSent(id, waiting, e);
    }
    return stamped;
  }

  private void notSent(String id, Pending<T> waiting, Exception error) {
    if (pending.remove(id, waiting)) {
      sendFailures.add(new Outcome.NotSent<>(id, waiting.tag(), error));
    }
  }

  /**
   * Waits for the result of a request sent earlier (by a run that was interrupted) without sending
   * it again; it counts as in flight.
   *
   * @throws DuplicateRequestException when a request with this id is in flight
   */
  public void await(String requestId, long giveUpAtMs, T tag) {
    if (pending.putIfAbsent(requestId, new Pending<>(tag, giveUpAtMs)) != null) {
      throw new DuplicateRequestException(requestId);
    }
  }

  /**
   * Reads the route for up to {@code timeout} and returns the outcomes of the requests in flight it
   * learned of: results, refusals, unreadable results and failed sends. Results of other requests,
   * or of ones already answered or given up, are skipped.
   */
  public List<Outcome<T>> poll(Duration timeout) {
    List<Outcome<T>> outcomes = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
      Outcome<T> outcome = match(record);
      if (outcome != null) {
        outcomes.add(outcome);
      }
    }
    for (Outcome<T> failure = sendFailures.poll(); failure != null; failure = sendFailures.poll()) {
      outcomes.add(failure);
    }
    return outcomes;
  }

  private Outcome<T> match(ConsumerRecord<String, byte[]> record) {
    String id = record.key();
    if (id == null) {
      return null;
    }
    boolean deadLetter = record.topic().equals(deadLettersTopic);
    if (deadLetter
        && !refusingSources.contains(header(record, GatestreamHeaders.DLQ_SOURCE_TOPIC))) {
      return null; // e.g. an unreadable expert result: fusion still answers at the deadline
    }
    if (deadLetter && replyTo != null && !isOurs(record)) {
      return null; // another caller's request that has the same id
    }
    Pending<T> waiting = pending.remove(id);
    if (waiting == null) {
      return null;
    }
    if (deadLetter) {
      return new Outcome.Refused<>(
          id,
          waiting.tag(),
          header(record, GatestreamHeaders.DLQ_STAGE),
          header(record, GatestreamHeaders.DLQ_CODE),
          header(record, GatestreamHeaders.DLQ_REASON));
    }
    try {
      FusedResult result = results.deserialize(record.topic(), record.value());
      if (result == null) {
        throw new KafkaException(
            "empty result record at "
                + record.topic()
                + "-"
                + record.partition()
                + "@"
                + record.offset());
      }
      return new Outcome.Answered<>(id, waiting.tag(), result);
    } catch (RuntimeException e) {
      return new Outcome.Unreadable<>(id, waiting.tag(), e);
    }
  }

  /** Gives up on the requests in flight whose give-up time has come, by the client's clock. */
  public List<Outcome<T>> expire() {
    long now = clock.millis();
    List<Outcome<T>> expired = new ArrayList<>();
    pending.forEach(
        (id, waiting) -> {
          if (now >= waiting.giveUpAtMs() && pending.remove(id, waiting)) {
            expired.add(new Outcome.TimedOut<>(id, waiting.tag()));
          }
        });
    return expired;
  }

  /** Forgets every request in flight, and returns what their callers attached. */
  public List<T> abandon() {
    List<T> abandoned = new ArrayList<>();
    pending.forEach(
        (id, waiting) -> {
          if (pending.remove(id, waiting)) {
            abandoned.add(waiting.tag());
          }
        });
    return abandoned;
  }

  /**
   * Whether what the route held when this client opened has been read: until then a result waited
   * for may still be in that backlog, so no silence means anything.
   */
  public boolean caughtUp() {
    if (!caughtUp) {
      caughtUp =
          backlogEnd.entrySet().stream()
              .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }
    return caughtUp;
  }

  /** Where reading stands on each partition of the route: everything before has been polled. */
  public Map<TopicPartition, Long> positions() {
    Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    for (TopicPartition partition : consumer.assignment()) {
      positions.put(partition, consumer.position(partition));
    }
    return positions;
  }

  /** Blocks until every request sent has been produced, or has failed. */
  public void flush() {
    producer.flush();
  }

  /** Makes a {@link #poll} in progress, or the next one, throw a WakeupException. Any thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  /**
   * A dead letter of a request this client sent names its reply topic; one without the header (of a
   * decision, or of a sender that set none) is taken as ours by id.
   */
  private boolean isOurs(ConsumerRecord<?, ?> record) {
    Header header = record.headers().lastHeader(GatestreamHeaders.REPLY_TO);
    return header == null || replyTo.equals(new String(header.value(), StandardCharsets.UTF_8));
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      producer.close(CLOSE_TIMEOUT);
    } finally {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }
  }
}
