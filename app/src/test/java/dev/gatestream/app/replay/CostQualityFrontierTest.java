package dev.gatestream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostQualityFrontierTest {

  private static ReplayReport.Segment segment(double quality, double cost) {
    return new ReplayReport.Segment(
        "test",
        100,
        100,
        quality,
        cost,
        cost,
        Map.of(),
        new ReplayReport.Baselines(
            Map.of(
                "cheap",
                new ReplayReport.Baseline(0.60, 0.001),
                "dear",
                new ReplayReport.Baseline(0.80, 0.030)),
            new ReplayReport.Baseline(0.70, 0.0155),
            new ReplayReport.Baseline(0.85, 0.004),
            null),
        List.of(),
        Map.of());
  }

  private static ReplayReport.SweepPoint point(String lambda, double quality, double cost) {
    return new ReplayReport.SweepPoint(
        "router.gate.lambda", lambda, List.of(segment(quality, cost)));
  }

  @Test
  void aPointIsEfficientUnlessAnotherIsAtLeastAsGoodForAtMostTheCost() {
    CostQualityFrontier frontier =
        CostQualityFrontier.of(
                List.of(
                    point(
                        "0", 0.81,
                        0.025), // better and cheaper than always 'dear': efficient, 'dear' is not
                    point("1", 0.70, 0.012), // efficient: between the cheap expert and lambda=0
                    point("2", 0.69, 0.013), // dominated by lambda=1
                    point("10", 0.60, 0.001)))
            .get(0); // ties 'cheap' exactly: neither dominates the other

    assertThat(frontier.efficientPoints())
        .extracting(CostQualityFrontier.Point::label)
        .containsExactly(
            "router.gate.lambda=10",
            "always cheap",
            "router.gate.lambda=1",
            "router.gate.lambda=0");
  }

  @Test
  void oneFrontierPerSegmentWithEverySingleExpert() {
    List<CostQualityFrontier> frontiers = CostQualityFrontier.of(List.of(point("0", 0.8, 0.03)));

    assertThat(frontiers).hasSize(1);
    assertThat(frontiers.get(0).points())
        .extracting(CostQualityFrontier.Point::routed)
        .containsExactly(true, false, false);
  }
}
