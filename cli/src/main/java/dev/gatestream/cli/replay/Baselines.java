package dev.gatestream.cli.replay;

import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What simple policies score on logged rows; a missing outcome counts as quality 0. */
final class Baselines {

  private Baselines() {}

  static Map<String, Double> singleExperts(List<Row> rows, List<String> experts) {
    Map<String, Double> means = new LinkedHashMap<>();
    for (String expert : experts) {
      double sum = 0;
      for (Row row : rows) {
        sum += quality(row, expert);
      }
      means.put(expert, rows.isEmpty() ? 0 : sum / rows.size());
    }
    return means;
  }

  static double uniformRandom(List<Row> rows, List<String> experts) {
    return singleExperts(rows, experts).values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  static double oracle(List<Row> rows, List<String> experts) {
    double sum = 0;
    for (Row row : rows) {
      double best = 0;
      for (String expert : experts) {
        best = Math.max(best, quality(row, expert));
      }
      sum += best;
    }
    return rows.isEmpty() ? 0 : sum / rows.size();
  }

  private static double quality(Row row, String expert) {
    double quality = row.quality(expert);
    return Double.isNaN(quality) ? 0 : quality;
  }
}
