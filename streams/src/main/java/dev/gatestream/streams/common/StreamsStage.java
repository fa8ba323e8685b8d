package dev.gatestream.streams.common;

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
 * start, wait until it runs, replace a thread that died, close.
 */
public final class StreamsStage implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);

  private final String name;
  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);

  public StreamsStage(String name, Topology topology, Properties properties) {
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

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
