package dev.gatestream.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.replay.ReplayReport;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayChartTest {

  @Test
  void drawsEverySegmentIntoOnePng(@TempDir Path dir) throws Exception {
    ReplayReport.Segment train = segment("train", 0.50, 0.60);
    ReplayReport.Segment test = segment("test", 0.45, 0.55);
    Path png = dir.resolve("replay.png");

    ReplayChart.write(new ReplayReport(List.of(train, test)), png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(900);
  }

  @Test
  void drawsTheFrontierOfEverySegmentOfASweep(@TempDir Path dir) throws Exception {
    List<ReplayReport.SweepPoint> sweep =
        List.of(
            new ReplayReport.SweepPoint(
                "router.gate.lambda",
                "0",
                List.of(segment("train", 0.5, 0.6), segment("test", 0.5, 0.6))),
            new ReplayReport.SweepPoint(
                "router.gate.lambda",
                "10",
                List.of(segment("train", 0.4, 0.5), segment("test", 0.4, 0.5))));
    Path png = dir.resolve("frontier.png");

    FrontierChart.write(new ReplayReport(sweep.get(1).segments(), sweep), png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(700);
  }

  private static ReplayReport.Segment segment(String name, double first, double last) {
    List<ReplayReport.Bucket> buckets =
        List.of(
            new ReplayReport.Bucket(0, 100, 100, first, 0.01, Map.of("a", 0.5, "b", 0.5), 1),
            new ReplayReport.Bucket(100, 100, 100, last, 0.01, Map.of("a", 0.8, "b", 0.2), 2));
    return new ReplayReport.Segment(
            name,
            200,
            200,
            (first + last) / 2,
            0.01,
            0.01,
            Map.of("a", 0.65, "b", 0.35),
            new ReplayReport.Baselines(
                Map.of(
                    "a",
                    new ReplayReport.Baseline(0.58, 0.03),
                    "b",
                    new ReplayReport.Baseline(0.40, 0.001)),
                new ReplayReport.Baseline(0.49, 0.0155),
                new ReplayReport.Baseline(0.75, 0.01),
                null),
            buckets,
            Map.of("COMPLETE", 200L))
        .withContext(0, 0.012);
  }
}
