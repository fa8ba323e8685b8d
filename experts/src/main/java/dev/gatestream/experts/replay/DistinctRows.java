package dev.gatestream.experts.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A log's rows with each id once. Real logs repeat ids (an item scored twice, a join gone wrong):
 * the first row with an id is kept, and later ones are skipped and counted, or refused.
 */
public final class DistinctRows {

  /** What to do with a row whose id an earlier row of the same log has. */
  public enum OnRepeat {
    SKIP,
    FAIL
  }

  private final List<WideRoutingLog.Row> rows;
  private final int skipped;

  private DistinctRows(List<WideRoutingLog.Row> rows, int skipped) {
    this.rows = rows;
    this.skipped = skipped;
  }

  /**
   * Reads the whole log, which must not have been iterated yet.
   *
   * @throws RoutingLogFormatException with {@link OnRepeat#FAIL}, at the first repeated id, naming
   *     its line
   */
  public static DistinctRows read(WideRoutingLog log, OnRepeat onRepeat) {
    List<WideRoutingLog.Row> rows = new ArrayList<>();
    Map<String, Long> firstLine = new HashMap<>();
    int skipped = 0;
    for (WideRoutingLog.Row row : log) {
      Long first = firstLine.putIfAbsent(row.id(), row.line());
      if (first == null) {
        rows.add(row);
      } else if (onRepeat == OnRepeat.FAIL) {
        throw new RoutingLogFormatException(
            log.source(), row.line(), "id '" + row.id() + "' again (first on line " + first + ")");
      } else {
        skipped++;
      }
    }
    return new DistinctRows(rows, skipped);
  }

  /** The rows in log order, each id's first. */
  public List<WideRoutingLog.Row> rows() {
    return rows;
  }

  /** How many later rows repeated an id and were skipped. */
  public int skipped() {
    return skipped;
  }
}
