package dev.gatestream.app.replay;

import dev.gatestream.app.replay.ReplayReport.Baseline;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What simple policies score on logged rows, valued as {@link LoggedOutcomes} says. */
public final class LogBaselines {

  private final List<String> experts;
  private final LoggedOutcomes outcomes;

  /**
   * @param prices price per call of each expert, for rows without a logged cost; absent = 0
   */
  public LogBaselines(List<String> experts, Map<String, Double> prices) {
    this.experts = List.copyOf(experts);
    this.outcomes = new LoggedOutcomes(prices);
  }

  /** Every baseline of these rows. */
  public ReplayReport.Baselines of(List<Row> rows) {
    Map<String, Baseline> single = singleExperts(rows);
    return new ReplayReport.Baselines(single, uniformRandom(single), oracle(rows), null);
  }

  private Map<String, Baseline> singleExperts(List<Row> rows) {
    Map<String, Baseline> means = new LinkedHashMap<>();
    for (String expert : experts) {
      double quality = 0;
      double cost = 0;
      for (Row row : rows) {
        quality += LoggedOutcomes.quality(row, expert);
        cost += outcomes.cost(row, expert);
      }
      means.put(expert, mean(quality, cost, rows.size()));
    }
    return means;
  }

  /** Choosing one expert at random averages the single experts. */
  private static Baseline uniformRandom(Map<String, Baseline> single) {
    return new Baseline(
        single.values().stream().mapToDouble(Baseline::quality).average().orElse(0),
        single.values().stream().mapToDouble(Baseline::cost).average().orElse(0));
  }

  private Baseline oracle(List<Row> rows) {
    double quality = 0;
    double cost = 0;
    for (Row row : rows) {
      double best = -1;
      double bestCost = 0;
      for (String expert : experts) {
        double q = LoggedOutcomes.quality(row, expert);
        double c = outcomes.cost(row, expert);
        if (q > best || (q == best && c < bestCost)) {
          best = q;
          bestCost = c;
        }
      }
      quality += best;
      cost += bestCost;
    }
    return mean(quality, cost, rows.size());
  }

  private static Baseline mean(double quality, double cost, int rows) {
    return rows == 0 ? new Baseline(0, 0) : new Baseline(quality / rows, cost / rows);
  }
}
