package dev.gatestream.app.inspect;

/**
 * What a topic holds about a request, in the order the data flows: the order of events with the
 * same timestamp (the router writes a decision and its tasks at one instant).
 */
public enum TopicRole {
  REQUESTS,
  DECISIONS,
  TASKS,
  RESULTS,
  FUSED,
  REPLIES,
  FEEDBACK,
  DEAD_LETTERS
}
