package dev.gatestream.app.replay;

import dev.gatestream.app.replay.ReplayReport.Baseline;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * Routers fitted offline on an earlier segment with every expert's logged outcome (full
 * information), judged on a segment: what a router could reach, for comparison with one that learns
 * online from the chosen experts' outcomes only. The first segment has no earlier one: they are
 * fitted in-sample, the kNN leaving each row out.
 */
public final class OfflineReferences {

  /**
   * The cost-aware lookup takes the cheapest expert within this much mean quality of the task's
   * best.
   */
  static final double COST_AWARE_TOLERANCE = 0.01;

  static final int NEIGHBOURS = 50;

  /**
   * Bounds the kNN's time and memory: a longer earlier segment is fitted on its last this many
   * rows.
   */
  static final int MAX_FIT_ROWS = 20_000;

  /** A segment's rows and the router's features of each, or null features when there are none. */
  public record Sample(String name, List<Row> rows, List<float[]> features) {}

  private final List<String> experts;
  private final LoggedOutcomes outcomes;

  /**
   * @param prices price per call of each expert, for rows without a logged cost
   */
  public OfflineReferences(List<String> experts, Map<String, Double> prices) {
    this.experts = List.copyOf(experts);
    this.outcomes = new LoggedOutcomes(prices);
  }

  /**
   * @param earlier the segment to fit on, null to fit in-sample
   */
  public ReplayReport.Offline of(Sample earlier, Sample segment) {
    Sample fit = earlier == null ? segment : earlier;
    TaskMeans means = new TaskMeans(fit.rows());
    return new ReplayReport.Offline(
        fit.name(),
        earlier == null,
        judge(segment.rows(), r -> means.best(segment.rows().get(r).task())),
        judge(segment.rows(), r -> means.cheapestNearBest(segment.rows().get(r).task())),
        segment.features() == null || fit.features() == null
            ? null
            : knn(fit, segment, earlier == null));
  }

  /**
   * The mean quality and cost on the rows of choosing, for the row of each index, the expert of
   * that index.
   */
  private Baseline judge(List<Row> rows, IntUnaryOperator choice) {
    double quality = 0;
    double cost = 0;
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      String expert = experts.get(choice.applyAsInt(r));
      quality += LoggedOutcomes.quality(row, expert);
      cost += outcomes.cost(row, expert);
    }
    return rows.isEmpty()
        ? new Baseline(0, 0)
        : new Baseline(quality / rows.size(), cost / rows.size());
  }

  /** Each expert's mean quality and cost per task label and overall. */
  private final class TaskMeans {
    private final Map<String, double[][]> byTask = new HashMap<>();
    private final double[][] overall;

    TaskMeans(List<Row> rows) {
      Map<String, Integer> counts = new HashMap<>();
      overall = new double[2][experts.size()];
      for (Row row : rows) {
        double[][] sums = byTask.computeIfAbsent(row.task(), task -> new double[2][experts.size()]);
        counts.merge(row.task(), 1, Integer::sum);
        for (int e = 0; e < experts.size(); e++) {
          double quality = LoggedOutcomes.quality(row, experts.get(e));
          double cost = outcomes.cost(row, experts.get(e));
          sums[0][e] += quality;
          sums[1][e] += cost;
          overall[0][e] += quality;
          overall[1][e] += cost;
        }
      }
      byTask.forEach((task, sums) -> divide(sums, counts.get(task)));
      divide(overall, rows.size());
    }

    private static void divide(double[][] sums, int count) {
      for (double[] sum : sums) {
        for (int e = 0; e < sum.length; e++) {
          sum[e] = count == 0 ? 0 : sum[e] / count;
        }
      }
    }

    /** A task unseen on the rows fitted on falls back to the means over all of them. */
    private double[][] of(String task) {
      return byTask.getOrDefault(task, overall);
    }

    int best(String task) {
      return OfflineReferences.best(of(task)[0], of(task)[1]);
    }

    int cheapestNearBest(String task) {
      double[][] means = of(task);
      double best = means[0][best(task)];
      int cheapest = -1;
      for (int e = 0; e < experts.size(); e++) {
        if (means[0][e] >= best - COST_AWARE_TOLERANCE
            && (cheapest < 0
                || means[1][e] < means[1][cheapest]
                || (means[1][e] == means[1][cheapest] && means[0][e] > means[0][cheapest]))) {
          cheapest = e;
        }
      }
      return cheapest;
    }
  }

  /** The expert of the best quality, the cheaper on a tie, the first on a tie of both. */
  private static int best(double[] quality, double[] cost) {
    int best = 0;
    for (int e = 1; e < quality.length; e++) {
      if (quality[e] > quality[best] || (quality[e] == quality[best] && cost[e] < cost[best])) {
        best = e;
      }
    }
    return best;
  }

  /**
   * Per row, the expert of the best mean quality over its nearest rows of the fit by cosine
   * similarity. In-sample, a row is not its own neighbour.
   */
  private Baseline knn(Sample fit, Sample segment, boolean inSample) {
    int from = Math.max(0, fit.rows().size() - MAX_FIT_ROWS);
    List<Row> fitRows = fit.rows().subList(from, fit.rows().size());
    float[][] fitFeatures =
        fit.features().subList(from, fit.features().size()).stream()
            .map(OfflineReferences::unit)
            .toArray(float[][]::new);
    double[][] fitQuality = new double[fitRows.size()][];
    double[][] fitCost = new double[fitRows.size()][];
    for (int i = 0; i < fitRows.size(); i++) {
      fitQuality[i] = new double[experts.size()];
      fitCost[i] = new double[experts.size()];
      for (int e = 0; e < experts.size(); e++) {
        fitQuality[i][e] = LoggedOutcomes.quality(fitRows.get(i), experts.get(e));
        fitCost[i][e] = outcomes.cost(fitRows.get(i), experts.get(e));
      }
    }
    int[] chosen =
        IntStream.range(0, segment.rows().size())
            .parallel()
            .map(
                r -> {
                  int self = inSample ? r - from : -1;
                  int[] neighbours = nearest(unit(segment.features().get(r)), fitFeatures, self);
                  double[] quality = new double[experts.size()];
                  double[] cost = new double[experts.size()];
                  for (int n : neighbours) {
                    for (int e = 0; e < experts.size(); e++) {
                      quality[e] += fitQuality[n][e];
                      cost[e] += fitCost[n][e];
                    }
                  }
                  return best(quality, cost);
                })
            .toArray();
    return judge(segment.rows(), r -> chosen[r]);
  }

  /**
   * The indices of the {@link #NEIGHBOURS} rows most similar to the query, all but {@code self}.
   */
  private static int[] nearest(float[] query, float[][] rows, int self) {
    int k = Math.min(NEIGHBOURS, rows.length - (self >= 0 && self < rows.length ? 1 : 0));
    // A min-heap of the k best so far: its root is the one to beat.
    int[] heap = new int[Math.max(k, 0)];
    double[] similarity = new double[heap.length];
    int size = 0;
    for (int i = 0; i < rows.length && k > 0; i++) {
      if (i == self) {
        continue;
      }
      double s = dot(query, rows[i]);
      if (size < k) {
        heap[size] = i;
        similarity[size] = s;
        siftUp(heap, similarity, size++);
      } else if (s > similarity[0]) {
        heap[0] = i;
        similarity[0] = s;
        siftDown(heap, similarity, size);
      }
    }
    return heap;
  }

  private static void siftUp(int[] heap, double[] similarity, int i) {
    while (i > 0 && similarity[(i - 1) / 2] > similarity[i]) {
      swap(heap, similarity, i, (i - 1) / 2);
      i = (i - 1) / 2;
    }
  }

  private static void siftDown(int[] heap, double[] similarity, int size) {
    int i = 0;
    while (true) {
      int smallest = i;
      for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
        if (similarity[child] < similarity[smallest]) {
          smallest = child;
        }
      }
      if (smallest == i) {
        return;
      }
      swap(heap, similarity, i, smallest);
      i = smallest;
    }
  }

  private static void swap(int[] heap, double[] similarity, int a, int b) {
    int index = heap[a];
    heap[a] = heap[b];
    heap[b] = index;
    double s = similarity[a];
    similarity[a] = similarity[b];
    similarity[b] = s;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** Scaled to unit length, so that a dot product is the cosine; a zero vector stays zero. */
  private static float[] unit(float[] features) {
    double norm = Math.sqrt(dot(features, features));
    float[] unit = new float[features.length];
    for (int i = 0; i < features.length; i++) {
      unit[i] = norm == 0 ? 0 : (float) (features[i] / norm);
    }
    return unit;
  }
}
