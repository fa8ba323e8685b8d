package dev.gatestream.app.replay;

import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.InferenceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a deployment's recorded requests and their feedback from topic ranges, for replay. */
public final class RecordedTraffic {

  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

  private RecordedTraffic() {}

  /**
   * @param requests the range of the requests topic to replay
   * @param feedback the range of the feedback topic to look the requests' feedback up in; the last
   *     feedback of a request counts
   * @throws IllegalArgumentException when a range holds a record that cannot be read, or no request
   */
  public static ReplayRun.Recorded read(
      KafkaClients clients,
      TopicRange requests,
      Deserializer<InferenceRequest> requestValues,
      TopicRange feedback,
      Deserializer<Feedback> feedbackValues) {
    List<ConsumerRecord<String, InferenceRequest>> recorded = new ArrayList<>();
    check(
        TopicRangeReader.read(
            clients,
            new StringDeserializer(),
            requestValues,
            requests,
            STALL_TIMEOUT,
            record -> {
              if (record.value() != null) {
                recorded.add(record);
              }
            }),
        requests);
    if (recorded.isEmpty()) {
      throw new IllegalArgumentException(requests + " holds no request");
    }
    Map<String, Feedback> feedbackById = new HashMap<>();
    check(
        TopicRangeReader.read(
            clients,
            new StringDeserializer(),
            feedbackValues,
            feedback,
            STALL_TIMEOUT,
            record -> {
              if (record.value() != null) {
                feedbackById.put(record.value().getRequestId(), record.value());
              }
            }),
        feedback);

    // Partitions interleave: the original order is that of the record timestamps.
    recorded.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
    long first = recorded.get(0).timestamp();
    List<RecordedRequest> items = new ArrayList<>(recorded.size());
    double rewardSum = 0;
    int rewarded = 0;
    for (ConsumerRecord<String, InferenceRequest> record : recorded) {
      Feedback known = feedbackById.get(record.value().getId());
      items.add(new RecordedRequest(record.value(), record.timestamp() - first, known));
      if (known != null && known.getReward() != null) {
        rewardSum += known.getReward();
        rewarded++;
      }
    }
    ReplayReport.Baseline deployment =
        rewarded == 0 ? null : new ReplayReport.Baseline(rewardSum / rewarded, Double.NaN);
    return new ReplayRun.Recorded(requests.toString(), items, deployment);
  }

  private static void check(TopicRangeReader.Result result, TopicRange range) {
    result
        .firstMalformed()
        .ifPresent(
            malformed -> {
              throw new IllegalArgumentException(
                  String.format(
                      "%s: %d records cannot be read, the first at %s offset %d:" + " %s",
                      range,
                      result.malformed(),
                      malformed.partition(),
                      malformed.offset(),
                      malformed.reason()));
            });
  }
}
