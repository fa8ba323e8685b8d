package dev.gatestream.app.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cost-quality trade-off of one segment across a sweep: every routed run and every single
 * expert as a point, and which of them are efficient (no other point is at least as good for at
 * most the cost, and strictly better in one).
 */
public final class CostQualityFrontier {

  /**
   * @param routed whether the point is a routed run of the sweep (else a single-expert baseline)
   */
  public record Point(String label, double cost, double quality, boolean routed) {

    boolean dominatedBy(Point other) {
      return dominates(other.quality, other.cost, quality, cost);
    }
  }

  /**
   * Sums of the same outcomes in another order differ in the last bits: within this they are equal.
   */
  private static final double TOLERANCE = 1e-9;

  /** Whether the first is at least as good for at most the cost, and strictly better or cheaper. */
  static boolean dominates(double quality, double cost, double otherQuality, double otherCost) {
    return quality >= otherQuality - TOLERANCE
        && cost <= otherCost + TOLERANCE
        && (quality > otherQuality + TOLERANCE || cost < otherCost - TOLERANCE);
  }

  private final String segment;
  private final List<Point> points;

  private CostQualityFrontier(String segment, List<Point> points) {
    this.segment = segment;
    this.points = List.copyOf(points);
  }

  /** The frontier of each segment of the sweep, in segment order. */
  public static List<CostQualityFrontier> of(List<ReplayReport.SweepPoint> sweep) {
    List<CostQualityFrontier> frontiers = new ArrayList<>();
    if (sweep.isEmpty()) {
      return frontiers;
    }
    for (int s = 0; s < sweep.get(0).segments().size(); s++) {
      List<Point> points = new ArrayList<>();
      for (ReplayReport.SweepPoint point : sweep) {
        ReplayReport.Segment segment = point.segments().get(s);
        points.add(
            new Point(
                point.setting() + "=" + point.value(), segment.cost(), segment.quality(), true));
      }
      ReplayReport.Segment first = sweep.get(0).segments().get(s);
      first
          .baselines()
          .singleExperts()
          .forEach(
              (expert, baseline) ->
                  points.add(
                      new Point("always " + expert, baseline.cost(), baseline.quality(), false)));
      frontiers.add(new CostQualityFrontier(first.name(), points));
    }
    return frontiers;
  }

  public String segment() {
    return segment;
  }

  /** Routed runs in sweep order, then the single experts. */
  public List<Point> points() {
    return points;
  }

  public boolean efficient(Point point) {
    return points.stream().noneMatch(point::dominatedBy);
  }

  /** The efficient points by increasing cost: the frontier itself. */
  public List<Point> efficientPoints() {
    return points.stream()
        .filter(this::efficient)
        .sorted(Comparator.comparingDouble(Point::cost))
        .toList();
  }
}
