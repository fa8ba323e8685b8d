package dev.gatestream.streams.common;

/** Whether a topic exists, answered quickly enough to ask from a stream thread. */
@FunctionalInterface
public interface TopicDirectory {

  boolean exists(String topic);
}
