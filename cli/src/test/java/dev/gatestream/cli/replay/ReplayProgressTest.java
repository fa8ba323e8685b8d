package dev.gatestream.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.replay.ReplayListener;
import dev.gatestream.app.replay.ReplayReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayProgressTest {

  private final StringWriter text = new StringWriter();
  private final ReplayProgress progress = new ReplayProgress(new PrintWriter(text));

  private static ReplayReport.Bucket bucket(int from, double quality, double cost, long version) {
    return new ReplayReport.Bucket(from, 100, 100, quality, cost, Map.of("a", 1.0), version);
  }

  @Test
  void aRunIsTheLinesTheReadmeShows() {
    progress.runStarted(new ReplayListener.RunStarted(null, null));
    progress.referenceFeaturized(
        new ReplayListener.ReferenceFeaturized(
            "train", 525, 525, "task32+hashed32+length1", Duration.ofMillis(25)));
    progress.referenceSkipped(
        new ReplayListener.ReferenceSkipped("test", "onnx", "no text in row q1"));
    progress.topicsReady(new ReplayListener.TopicsReady(2, 2, "replay-mx571k2e-"));
    progress.segmentStarted(new ReplayListener.SegmentStarted("train", 525));
    progress.bucketCompleted(
        new ReplayListener.BucketCompleted(
            "train", 100, Duration.ofSeconds(4), bucket(0, 0.7, 0.00942, 1796159597665L)));
    progress.segmentFinished(
        new ReplayListener.SegmentFinished(
            new ReplayReport.Segment(
                "train",
                100,
                100,
                0.7,
                0.00942,
                0.00942,
                Map.of(),
                new ReplayReport.Baselines(Map.of(), null, null, null),
                List.of(),
                Map.of())));
    progress.topicsKept(new ReplayListener.TopicsKept("replay-mx571k2e-"));

    assertThat(text.toString().lines())
        .containsExactly(
            "train: featurized 525 of 525 rows for the kNN reference (task32+hashed32+length1, 21000/s)",
            "test: no kNN reference, the onnx featurizer refuses its rows: no text in row q1",
            "replaying 2 sources, 2 experts, on topics replay-mx571k2e-*",
            "train:    100 requests,    25/s, quality 0.700, cost 0.00942, weights v1796159597665",
            "kept the topics replay-mx571k2e-* (evaluate with --set topic.prefix=replay-mx571k2e-)");
  }

  @Test
  void theLinesOfASweepStartWithItsPoint() {
    progress.runStarted(new ReplayListener.RunStarted("router.gate.lambda", "20"));
    progress.topicsReady(new ReplayListener.TopicsReady(1, 2, "replay-x-"));
    progress.runStarted(new ReplayListener.RunStarted(null, null));
    progress.topicsReady(new ReplayListener.TopicsReady(1, 2, "replay-y-"));

    assertThat(text.toString().lines())
        .containsExactly(
            "[router.gate.lambda=20] replaying 1 sources, 2 experts, on topics replay-x-*",
            "replaying 1 sources, 2 experts, on topics replay-y-*");
  }
}
