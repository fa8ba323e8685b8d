package dev.gatestream.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a chain holds its backlog: for each stage (a consumer group and its input topics), how far
 * its committed offsets are behind the input's end, and how far they moved since the last look. A
 * stage behind its input whose offsets stand still is the one that stopped making progress.
 */
final class StageLag {

  /** A stage of a chain: the consumer group that reads its input topics. */
  record Stage(String name, String group, List<String> inputs) {}

  /** One look at a stage. */
  record Sample(String stage, long committed, long lag, int partitions) {}

  private final Admin admin;
  private final List<Stage> stages;
  private final Duration timeout;
  private Map<String, Sample> previous = Map.of();

  StageLag(Admin admin, List<Stage> stages, Duration timeout) {
    this.admin = admin;
    this.stages = stages;
    this.timeout = timeout;
  }

  /**
   * Which stage stopped making progress since the last call, in words, with every stage's lag. The
   * first call has nothing to compare with: it only tells the lags.
   */
  String diagnose() {
    Map<String, Sample> now = new LinkedHashMap<>();
    for (Stage stage : stages) {
      now.put(stage.name(), sample(stage));
    }
    String verdict = verdict(previous, now);
    previous = now;
    return verdict;
  }

  /** The verdict on two looks at the stages, the second {@code now}. */
  static String verdict(Map<String, Sample> before, Map<String, Sample> now) {
    List<String> stuck = new ArrayList<>();
    for (Sample sample : now.values()) {
      Sample earlier = before.get(sample.stage());
      // Transaction markers take an offset each: a lag of one per partition is no backlog.
      if (earlier != null
          && sample.lag() > sample.partitions()
          && sample.committed() == earlier.committed()) {
        stuck.add(sample.stage());
      }
    }
    String lags =
        now.values().stream()
            .map(
                sample -> {
                  Sample earlier = before.get(sample.stage());
                  String moved =
                      earlier == null ? "" : ", +" + (sample.committed() - earlier.committed());
                  return sample.stage() + " lag " + sample.lag() + moved;
                })
            .collect(Collectors.joining("; "));
    if (!stuck.isEmpty()) {
      return "stage " + String.join(", ", stuck) + " stopped making progress (" + lags + ")";
    }
    if (now.values().stream().allMatch(sample -> sample.lag() <= sample.partitions())) {
      return "every stage has read its input: the missing results are held inside the last stage ("
          + lags
          + ")";
    }
    return "stages still reading (" + lags + ")";
  }

  private Sample sample(Stage stage) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(stage.group())
              .partitionsToOffsetAndMetadata()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
      for (String topic : stage.inputs()) {
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(topic)
            .partitions()
            .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, ListOffsetsResultInfo> end =
          admin.listOffsets(ends).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long committedSum = 0;
      long lag = 0;
      for (Map.Entry<TopicPartition, ListOffsetsResultInfo> entry : end.entrySet()) {
        OffsetAndMetadata offset = committed.get(entry.getKey());
        long position = offset == null ? 0 : offset.offset();
        committedSum += position;
        lag += Math.max(0, entry.getValue().offset() - position);
      }
      return new Sample(stage.name(), committedSum, lag, end.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while looking at stage " + stage.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("cannot look at stage " + stage.name() + ": " + e.getMessage(), e);
    }
  }
}
