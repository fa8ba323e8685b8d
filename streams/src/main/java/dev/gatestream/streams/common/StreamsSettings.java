package dev.gatestream.streams.common;

import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams settings every Gatestream stage shares: exactly-once, and the latency knobs. */
public final class StreamsSettings {

  private StreamsSettings() {}

  /**
   * @param applicationId the stage's application id (also its consumer group and state prefix)
   * @param stateDir where the stage keeps its local state
   */
  public static Properties of(GatestreamConfig config, String bootstrapServers, String applicationId,
      Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong(GatestreamConfig.STREAMS_COMMIT_INTERVAL_MS));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(GatestreamConfig.STREAMS_THREADS));
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.getShort(GatestreamConfig.TOPIC_REPLICATION));
    // Records flow on as soon as they are processed; batching is bounded by the commit interval anyway.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
    // Stores are written several times per request; the cache folds those into one changelog write per
    // commit. Processors forward explicitly, so the cache delays no output.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
    // No stage needs records of different input topics in timestamp order: never wait for one to fill.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    return props;
  }
}
