package dev.gatestream.it;

import dev.gatestream.app.replay.ReplayItem;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The shared model7 train log beside the project, for the tests that learn from real logged
 * traffic.
 */
record SharedRoutingLog(List<String> experts, List<WideRoutingLog.Row> rows) {

  static final Path MODEL7_TRAIN =
      Path.of(System.getProperty("gatestream.home", "."))
          .resolve("../shared/data/routing/model7-train.csv")
          .normalize();

  static final Path MODEL7_TEST = MODEL7_TRAIN.resolveSibling("model7-test.csv");

  /** The model7 test split, shuffled alike: traffic a policy trained on the train split meets. */
  static SharedRoutingLog model7Test(long seed) throws IOException {
    return shuffled(MODEL7_TEST, seed);
  }

  /**
   * Its rows shuffled with this seed: the log is sorted by task, a live stream mixes them. When the
   * shared data is not there, fails the calling test on CI and skips it elsewhere ({@link
   * SharedData}).
   */
  static SharedRoutingLog model7Train(long seed) throws IOException {
    return shuffled(MODEL7_TRAIN, seed);
  }

  private static SharedRoutingLog shuffled(Path file, long seed) throws IOException {
    try (WideRoutingLog log = WideRoutingLog.open(SharedData.require(file))) {
      List<WideRoutingLog.Row> rows = new ArrayList<>(log.rows().toList());
      Collections.shuffle(rows, new Random(seed));
      return new SharedRoutingLog(log.experts(), rows);
    }
  }

  static List<ReplayItem> items(List<WideRoutingLog.Row> rows) {
    return rows.stream().map(ReplayItem::of).toList();
  }
}
