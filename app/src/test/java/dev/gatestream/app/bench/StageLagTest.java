package dev.gatestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageLagTest {

  @Test
  void theStageBehindItsInputWhoseOffsetsStoodStillStoppedMakingProgress() {
    Map<String, StageLag.Sample> before =
        samples(sample("router", 1000, 0), sample("fusion", 500, 3000));
    Map<String, StageLag.Sample> now =
        samples(sample("router", 1200, 0), sample("fusion", 500, 3400));

    assertThat(StageLag.verdict(before, now))
        .isEqualTo(
            "stage fusion stopped making progress (router lag 0, +200; fusion lag 3400, +0)");
  }

  @Test
  void aLagOfOneMarkerPerPartitionIsNoBacklog() {
    Map<String, StageLag.Sample> before = samples(sample("fusion", 500, 4));
    Map<String, StageLag.Sample> now = samples(sample("fusion", 500, 4));

    assertThat(StageLag.verdict(before, now))
        .startsWith("every stage has read its input: the missing results are held inside");
  }

  @Test
  void stagesThatMoveAreStillReading() {
    Map<String, StageLag.Sample> before = samples(sample("router", 100, 900));
    Map<String, StageLag.Sample> now = samples(sample("router", 400, 600));

    assertThat(StageLag.verdict(before, now))
        .isEqualTo("stages still reading (router lag 600, +300)");
  }

  @Test
  void theFirstLookOnlyTellsTheLags() {
    assertThat(StageLag.verdict(Map.of(), samples(sample("router", 100, 900))))
        .isEqualTo("stages still reading (router lag 900)");
  }

  private static StageLag.Sample sample(String stage, long committed, long lag) {
    return new StageLag.Sample(stage, committed, lag, 4);
  }

  private static Map<String, StageLag.Sample> samples(StageLag.Sample... samples) {
    Map<String, StageLag.Sample> map = new LinkedHashMap<>();
    for (StageLag.Sample sample : samples) {
      map.put(sample.stage(), sample);
    }
    return map;
  }
}
