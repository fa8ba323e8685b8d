package dev.gatestream.streams.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the lifecycle of one Kafka Streams stage (the topology itself is built elsewhere, purely):
 * start, wait until it runs, replace a thread that died (within {@link ThreadReplacements}; past
 * them the stage stops and reports its {@link #failure()}), close. Its meters, tagged {@code
 * stage}: the Kafka Streams client's own metrics ({@code kafka.*}, consumer lag included), {@value
 * #STATE_GAUGE}, the state as a {@linkplain #stateCode code}, and {@value #REPLACEMENTS}.
 */
public final class StreamsStage implements AutoCloseable {

  public static final String STATE_GAUGE = "gatestream.stage.state";
  public static final String REPLACEMENTS = "gatestream.stage.thread.replacements";

  private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);

  private final String name;
  private final KafkaStreams streams;
  private final CountDownLatch settled = new CountDownLatch(1);
  private final MeterRegistry meters;
  private final KafkaStreamsMetrics clientMetrics;
  private final Gauge stateGauge;
  private final Counter replacementCounter;
  private final AtomicReference<Throwable> lastThreadFailure = new AtomicReference<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final ThreadReplacements replacements;

  /** A stage whose meters nobody reads (they go to a registry of its own). */
  public StreamsStage(String name, Topology topology, Properties properties) {
    this(name, topology, properties, new SimpleMeterRegistry());
  }

  /** A stage with the catalogue's default bound on thread replacements. */
  public StreamsStage(String name, Topology topology, Properties properties, MeterRegistry meters) {
    this(name, topology, properties, meters, ThreadReplacements.defaults());
  }

  public StreamsStage(
      String name,
      Topology topology,
      Properties properties,
      MeterRegistry meters,
      ThreadReplacements replacements) {
    this.name = name;
    this.streams = new KafkaStreams(topology, properties);
    Tags tags = Tags.of("stage", name);
    this.replacementCounter =
        Counter.builder(REPLACEMENTS)
            .description("Failed stream threads replaced")
            .tags(tags)
            .register(meters);
    streams.setStateListener(
        (newState, oldState) -> {
          LOG.info("{}: {} -> {}", name, oldState, newState);
          if (newState == KafkaStreams.State.ERROR) {
            // Also reached without our handler's say: a global thread that dies cannot be replaced.
            Throwable last = lastThreadFailure.get();
            failure.compareAndSet(
                null,
                new IllegalStateException(
                    name
                        + " stopped (state ERROR)"
                        + (last == null ? "" : " after a failure: " + last),
                    last));
          }
          if (newState == KafkaStreams.State.RUNNING || newState == KafkaStreams.State.ERROR) {
            settled.countDown();
          }
        });
    this.replacements = replacements;
    streams.setUncaughtExceptionHandler(this::onThreadFailure);
    this.meters = meters;
    this.clientMetrics = new KafkaStreamsMetrics(streams, tags);
    clientMetrics.bindTo(meters);
    this.stateGauge =
        Gauge.builder(STATE_GAUGE, streams, client -> stateCode(client.state()))
            .description(
                "State of the Kafka Streams stage: 0 created, 1 rebalancing, 2 running, 3 pending"
                    + " shutdown, 4 not running, 5 pending error, 6 error")
            .tags(tags)
            .strongReference(true)
            .register(meters);
  }

  public String name() {
    return name;
  }

  /**
   * What becomes of a stream thread that failed: replaced, unless that has happened too often
   * lately.
   */
  StreamThreadExceptionResponse onThreadFailure(Throwable exception) {
    lastThreadFailure.set(exception);
    if (replacements.replaceAnother()) {
      // Under exactly-once a failed thread's work is rolled back; a new thread takes it up again.
      replacementCounter.increment();
      LOG.error("{}: stream thread failed, replacing it", name, exception);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    failure.compareAndSet(
        null,
        new IllegalStateException(
            name
                + ": stream threads failed more than "
                + replacements.max()
                + " times within "
                + replacements.window().toSeconds()
                + "s, so the stage stops;"
                + " last failure: "
                + exception,
            exception));
    LOG.error(
        "{}: stream threads failed more than {} times within {}s; shutting the stage down",
        name,
        replacements.max(),
        replacements.window().toSeconds(),
        exception);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /** Starts the stage and waits until it is RUNNING; throws if it stops first. */
  public StreamsStage start(Duration timeout) {
    streams.start();
    try {
      if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            name
                + " did not reach RUNNING within "
                + timeout.toSeconds()
                + "s (state "
                + streams.state()
                + ")");
      }
      if (failure.get() != null) {
        throw new IllegalStateException(
            name + " failed while starting: " + failure.get().getMessage(), failure.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
    return this;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Why the stage stopped by itself (its threads kept failing, or its global thread died): present
   * once it is in state ERROR, so that a process running it can report it and exit non-zero.
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * The value of {@value #STATE_GAUGE} for a state. Spelled out rather than the enum's ordinal, so
   * that dashboards keep their meaning if Kafka adds a state.
   */
  public static int stateCode(KafkaStreams.State state) {
    return switch (state) {
      case CREATED -> 0;
      case REBALANCING -> 1;
      case RUNNING -> 2;
      case PENDING_SHUTDOWN -> 3;
      case NOT_RUNNING -> 4;
      case PENDING_ERROR -> 5;
      case ERROR -> 6;
    };
  }

  @Override
  public void close() {
    try {
      streams.close(Duration.ofSeconds(30));
    } finally {
      clientMetrics.close();
      meters.remove(stateGauge);
      meters.remove(replacementCounter);
    }
  }
}
