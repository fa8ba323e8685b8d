package dev.gatestream.clients;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** The context Kafka Streams gives its exception handlers: the source record of a task, or none. */
record StreamsErrorContext(String topic, int partition, long offset, TaskId taskId)
    implements ErrorHandlerContext {

  static StreamsErrorContext ofTask(String topic, int partition, long offset) {
    return new StreamsErrorContext(topic, partition, offset, new TaskId(0, partition));
  }

  @Override
  public Headers headers() {
    return new RecordHeaders();
  }

  @Override
  public String processorNodeId() {
    return "node";
  }

  @Override
  public long timestamp() {
    return 0;
  }

  @Override
  public byte[] sourceRawKey() {
    return null;
  }

  @Override
  public byte[] sourceRawValue() {
    return null;
  }
}
