package dev.gatestream.app.inspect;

import java.util.List;

/**
 * How one topic was read for a request.
 *
 * @param exists false when the cluster has no such topic (nothing was read)
 * @param partitionsRead the partitions read, in order
 * @param partitionCount how many partitions the topic has
 * @param byKey whether only the partition the request id hashes to was read
 * @param allPartitionsBecause why every partition was read, when the topic has more than one and
 *     they were; null otherwise
 * @param records how many records were scanned
 * @param matched how many of them were about the request
 */
public record TopicRead(
    String topic,
    TopicRole role,
    boolean exists,
    List<Integer> partitionsRead,
    int partitionCount,
    boolean byKey,
    String allPartitionsBecause,
    long records,
    long matched,
    long millis) {

  static TopicRead missing(String topic, TopicRole role) {
    return new TopicRead(topic, role, false, List.of(), 0, false, null, 0, 0, 0);
  }
}
