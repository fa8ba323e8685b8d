package dev.gatestream.app.inspect;

import java.util.List;

/** Told what an inspection reads, topic by topic, from the inspecting thread; must be quick. */
public interface InspectListener {

  /** Does nothing. */
  InspectListener NONE = new InspectListener() {};

  /** A topic's read begins: these of its partitions. */
  default void reading(
      String topic, TopicRole role, List<Integer> partitions, int partitionCount) {}

  /** A topic has been read, or found missing. */
  default void read(TopicRead read) {}
}
