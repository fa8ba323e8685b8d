package dev.gatestream.streams.common;

import dev.gatestream.clients.ClientIds;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which topics a request may have its fused result written to (its replyTo): one the allow-pattern
 * or the explicit list names, that is none of Gatestream's own topics (the catalogue's, the task
 * topics, the stages' internal ones) and that exists. The router refuses requests that fail, so
 * that nothing downstream tries to write there; fusion asks again before it writes, since topics
 * come and go.
 */
public final class ReplyTopics {

  private final Pattern allowed;
  private final Set<String> listed;
  private final Predicate<String> own;
  private final TopicDirectory directory;

  /**
   * @param own whether a topic is one of Gatestream's own
   */
  private ReplyTopics(
      Pattern allowed, Set<String> listed, Predicate<String> own, TopicDirectory directory) {
    this.allowed = allowed;
    this.listed = Set.copyOf(listed);
    this.own = own;
    this.directory = directory;
  }

  public static ReplyTopics from(GatestreamConfig config, TopicDirectory directory) {
    String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
    String pattern = config.getString(GatestreamConfig.ROUTER_REPLY_TO_PATTERN);
    Topics topics = Topics.from(config);
    Set<String> core = topics.core().stream().map(TopicSpec::name).collect(Collectors.toSet());
    ClientIds ids = ClientIds.of(config);
    // Kafka Streams names its internal topics after the application id.
    List<String> internal = List.of(ids.router() + "-", ids.fusion() + "-", ids.adaptation());
    return new ReplyTopics(
        Pattern.compile(
            pattern.isEmpty() ? Pattern.quote(prefix) + "(reply|replies|score)-.+" : pattern),
        Set.copyOf(config.getList(GatestreamConfig.ROUTER_REPLY_TO_TOPICS)),
        topic ->
            core.contains(topic)
                || topics.expertOfTaskTopic(topic).isPresent()
                || internal.stream().anyMatch(topic::startsWith),
        directory);
  }

  /** Why a fused result may not be written to {@code topic}; empty when it may. */
  public Optional<String> problem(String topic) {
    if (topic.isBlank()) {
      return Optional.of("replyTo is empty");
    }
    if (own.test(topic)) {
      return Optional.of("replyTo '" + topic + "' is one of Gatestream's own topics");
    }
    if (!listed.contains(topic) && !allowed.matcher(topic).matches()) {
      return Optional.of(
          "replyTo '"
              + topic
              + "' is not an allowed reply topic ("
              + GatestreamConfig.ROUTER_REPLY_TO_PATTERN
              + " '"
              + allowed.pattern()
              + "', "
              + GatestreamConfig.ROUTER_REPLY_TO_TOPICS
              + ")");
    }
    if (!directory.exists(topic)) {
      return Optional.of("replyTo '" + topic + "' does not exist");
    }
    return Optional.empty();
  }
}
