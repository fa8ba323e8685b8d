package dev.gatestream.streams.common;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the lifecycle of one Kafka Streams stage (the topology itself is built elsewhere, purely):
 * start, wait until it runs, replace a thread that died, close. Its meters, tagged {@code stage}: the
 * Kafka Streams client's own metrics ({@code kafka.*}, consumer lag included) and {@value #STATE_GAUGE},
 * the state as a {@linkplain #stateCode code}.
 */
public final class StreamsStage implements AutoCloseable {

  public static final String STATE_GAUGE = "gatestream.stage.state";

  private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);

  private final String name;
  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  private final MeterRegistry meters;
  private final KafkaStreamsMetrics clientMetrics;
  private final Gauge stateGauge;

  /** A stage whose meters nobody reads (they go to a registry of its own). */
  public StreamsStage(String name, Topology topology, Properties properties) {
    this(name, topology, properties, new SimpleMeterRegistry());
  }

  public StreamsStage(String name, Topology topology, Properties properties, MeterRegistry meters) {
    this.name = name;
    this.streams = new KafkaStreams(topology, properties);
    streams.setStateListener((newState, oldState) -> {
      LOG.info("{}: {} -> {}", name, oldState, newState);
      if (newState == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(exception -> {
      // Under exactly-once a failed thread's work is rolled back; a new thread takes it up again.
      LOG.error("{}: stream thread failed, replacing it", name, exception);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    this.meters = meters;
    Tags tags = Tags.of("stage", name);
    this.clientMetrics = new KafkaStreamsMetrics(streams, tags);
    clientMetrics.bindTo(meters);
    this.stateGauge = Gauge.builder(STATE_GAUGE, streams, client -> stateCode(client.state()))
        .description("State of the Kafka Streams stage: 0 created, 1 rebalancing, 2 running, 3 pending"
            + " shutdown, 4 not running, 5 pending error, 6 error")
        .tags(tags).strongReference(true).register(meters);
  }

  public String name() {
    return name;
  }

  /** Starts the stage and waits until it is RUNNING. */
  public StreamsStage start(Duration timeout) {
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not reach RUNNING within " + timeout.toSeconds()
            + "s (state " + streams.state() + ")");
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
   * The value of {@value #STATE_GAUGE} for a state. Spelled out rather than the enum's ordinal, so that
   * dashboards keep their meaning if Kafka adds a state.
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
    }
  }
}
