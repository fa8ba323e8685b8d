package dev.gatestream.app.replay;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.experts.replay.DistinctRows;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import dev.gatestream.experts.replay.RoutingLogFormatException;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Reads what a replay replays: wide routing logs from files, recorded requests from a deployment's
 * topics.
 */
public final class ReplaySources {

  private ReplaySources() {}

  /**
   * A log as one segment of a replay, each id once: the replay experts answer an id from its first
   * row.
   *
   * @param shuffleSeed shuffles the rows when not null
   * @param limit keeps the first this many rows when not null
   * @param onRepeat what to do with a row whose id an earlier row has
   */
  public static ReplayRun.Log log(
      Path file, String name, Long shuffleSeed, Integer limit, OnRepeat onRepeat)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserError("no such log: " + file);
    }
    try (WideRoutingLog routingLog = WideRoutingLog.open(file)) {
      DistinctRows distinct = DistinctRows.read(routingLog, onRepeat);
      List<WideRoutingLog.Row> rows = new ArrayList<>(distinct.rows());
      if (shuffleSeed != null) {
        Collections.shuffle(rows, new Random(shuffleSeed));
      }
      return new ReplayRun.Log(
          name,
          file,
          routingLog.experts(),
          limit == null ? rows : rows.subList(0, Math.min(limit, rows.size())),
          distinct.skipped());
    } catch (RoutingLogFormatException e) {
      throw new UserError(e.getMessage());
    }
  }

  /**
   * The requests of a range of a deployment's requests topic, in their original order, with their
   * recorded feedback.
   *
   * @param requests {@code kafka:TOPIC[@FROM..TO]}
   * @param feedback the range of the feedback topic to find their feedback in; null for the
   *     deployment's feedback topic from the requests' FROM time on
   */
  public static ReplayRun.Recorded recorded(
      Deployment deployment, String requests, String feedback) {
    try {
      Topics topics = Topics.from(deployment.config());
      TopicRange requestRange = TopicRange.parse(requests);
      String feedbackTopic = topics.feedback().name();
      TopicRange feedbackRange =
          feedback != null
              ? TopicRange.parse(feedback)
              : requestRange
                  .fromTime()
                  .map(from -> TopicRange.since(feedbackTopic, from))
                  .orElseGet(() -> TopicRange.whole(feedbackTopic));
      try (RegistrySerdes serdes = deployment.registry().serdes(false)) {
        return RecordedTraffic.read(
            deployment.clients(),
            requestRange,
            serdes.valueSerde(topics.requests()).deserializer(),
            feedbackRange,
            serdes.valueSerde(topics.feedback()).deserializer());
      }
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
