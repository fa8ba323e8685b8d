package dev.gatestream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.app.replay.OfflineReferences.Sample;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfflineReferencesTest {

  private static final OfflineReferences REFERENCES =
      new OfflineReferences(List.of("a", "b"), Map.of("b", 0.002));

  /**
   * Rows of "task,quality of a,quality of b,cost of a" (b has no cost column: it costs its price).
   */
  private static List<Row> rows(String... rows) throws IOException {
    StringBuilder csv = new StringBuilder("id,prompt,task,a,b,a|cost\n");
    for (int i = 0; i < rows.length; i++) {
      csv.append("q").append(i).append(",p,").append(rows[i]).append('\n');
    }
    try (WideRoutingLog log = WideRoutingLog.read(new StringReader(csv.toString()), "log.csv")) {
      return log.rows().toList();
    }
  }

  @Test
  void theLookupTakesEachTasksBestExpertOnTheEarlierSegmentAndTheBestOverallForAnUnseenTask()
      throws IOException {
    // On the earlier segment: a is best at math, b at chat, b overall.
    Sample earlier =
        new Sample(
            "train",
            rows(
                "math,1,0,0.01",
                "math,1,0,0.01",
                "chat,0,1,0.01",
                "chat,0,1,0.01",
                "chat,0,1,0.01"),
            null);
    Sample segment =
        new Sample("test", rows("math,0,1,0.02", "chat,0,1,0.02", "poetry,0,1,0.02"), null);

    ReplayReport.Offline offline = REFERENCES.of(earlier, segment);

    assertThat(offline.fittedOn()).isEqualTo("train");
    assertThat(offline.inSample()).isFalse();
    // math -> a (quality 0, cost 0.02 as logged), chat -> b, poetry (unseen) -> b (price 0.002).
    assertThat(offline.perTaskLookup().quality()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(offline.perTaskLookup().cost()).isCloseTo((0.02 + 0.002 + 0.002) / 3, within(1e-12));
    assertThat(offline.knn()).isNull();
  }

  @Test
  void theCostAwareLookupTakesTheCheapestExpertWithinOneHundredthOfTheBest() throws IOException {
    List<Row> math = new ArrayList<>();
    // a scores 0.80 at 0.03 a call, b 0.795 at its price of 0.002: within 0.01 of a.
    math.addAll(rows("math,0.8,0.795,0.03", "math,0.8,0.795,0.03"));
    Sample sample = new Sample("log", math, null);

    ReplayReport.Offline offline = REFERENCES.of(null, sample);

    assertThat(offline.inSample()).isTrue();
    assertThat(offline.perTaskLookup().quality()).isCloseTo(0.8, within(1e-12));
    assertThat(offline.perTaskLookupCostAware().quality()).isCloseTo(0.795, within(1e-12));
    assertThat(offline.perTaskLookupCostAware().cost()).isCloseTo(0.002, within(1e-12));
  }

  @Test
  void theKnnChoosesTheBestExpertOfTheNearestRowsOfTheEarlierSegment() throws IOException {
    // Two clusters of one task: a is right near (1, 0), b near (0, 1); a task lookup can only pick
    // one.
    List<String> train = new ArrayList<>();
    List<float[]> trainFeatures = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      train.add("t,1,0,0");
      trainFeatures.add(new float[] {1, 0.01f * i});
      train.add("t,0,1,0");
      trainFeatures.add(new float[] {0.01f * i, 2});
    }
    List<String> test = new ArrayList<>();
    List<float[]> testFeatures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      test.add("t,1,0,0");
      testFeatures.add(new float[] {3, 0.2f});
      test.add("t,0,1,0");
      testFeatures.add(new float[] {0.1f, 1});
    }
    ReplayReport.Offline offline =
        REFERENCES.of(
            new Sample("train", rows(train.toArray(String[]::new)), trainFeatures),
            new Sample("test", rows(test.toArray(String[]::new)), testFeatures));

    assertThat(offline.knn().quality()).isEqualTo(1.0);
    assertThat(offline.perTaskLookup().quality()).isEqualTo(0.5);
  }

  @Test
  void inSampleTheKnnLeavesEachRowOut() throws IOException {
    // Each row's only neighbour is the other, whose best expert is wrong for it.
    Sample sample =
        new Sample(
            "log", rows("t,1,0,0", "t,0,1,0"), List.of(new float[] {1, 0}, new float[] {1, 0}));

    assertThat(REFERENCES.of(null, sample).knn().quality()).isEqualTo(0.0);
  }
}
