package dev.gatestream.app.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The end offsets of every topic under a chain's prefix (its data topics and its stages' changelog
 * and repartition topics), summed over partitions, so that a delta over a run tells how many
 * records each topic took.
 */
final class EndOffsets {

  private final Admin admin;
  private final String prefix;
  private final Duration timeout;

  EndOffsets(Admin admin, String prefix, Duration timeout) {
    this.admin = admin;
    this.prefix = prefix;
    this.timeout = timeout;
  }

  /** Topic name without the prefix → sum of its partitions' end offsets. */
  Map<String, Long> now() {
    try {
      Set<String> topics =
          admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
              .filter(name -> name.startsWith(prefix))
              .collect(Collectors.toSet());
      Map<String, TopicDescription> described =
          admin
              .describeTopics(topics)
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest =
          described.values().stream()
              .flatMap(
                  topic ->
                      topic.partitions().stream()
                          .map(p -> new TopicPartition(topic.name(), p.partition())))
              .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<String, Long> sums = new TreeMap<>();
      ends.forEach(
          (tp, info) ->
              sums.merge(tp.topic().substring(prefix.length()), info.offset(), Long::sum));
      return sums;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while reading end offsets", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException(
          "cannot read the end offsets of " + prefix + "*: " + e.getMessage(), e);
    }
  }
}
