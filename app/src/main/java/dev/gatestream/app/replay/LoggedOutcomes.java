package dev.gatestream.app.replay;

import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.util.Map;

/**
 * What a logged row says each expert's answer was worth and cost: a missing outcome counts as
 * quality 0; an answer costs what the log says it cost, else the expert's configured price.
 */
final class LoggedOutcomes {

  private final Map<String, Double> prices;

  /**
   * @param prices price per call of each expert, for rows without a logged cost; absent = 0
   */
  LoggedOutcomes(Map<String, Double> prices) {
    this.prices = Map.copyOf(prices);
  }

  static double quality(Row row, String expert) {
    double quality = row.quality(expert);
    return Double.isNaN(quality) ? 0 : quality;
  }

  double cost(Row row, String expert) {
    return row.cost(expert).orElseGet(() -> prices.getOrDefault(expert, 0.0));
  }
}
