package dev.gatestream.experts.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class DistinctRowsTest {

  private static final String REPEATS =
      "id,prompt,task,x\nq1,p,t,1\nq2,p,t,0\nq1,p,t,0\nq2,p,t,1\nq3,p,t,1\n";

  @Test
  void keepsEachIdsFirstRowAndCountsTheRest() throws IOException {
    try (WideRoutingLog log = WideRoutingLog.read(new StringReader(REPEATS), "log.csv")) {
      DistinctRows rows = DistinctRows.read(log, OnRepeat.SKIP);

      assertThat(rows.rows()).extracting(WideRoutingLog.Row::id).containsExactly("q1", "q2", "q3");
      assertThat(rows.rows().get(0).quality("x")).isEqualTo(1.0);
      assertThat(rows.skipped()).isEqualTo(2);
    }
  }

  @Test
  void failNamesTheFirstRepeatedIdAndItsLine() throws IOException {
    try (WideRoutingLog log = WideRoutingLog.read(new StringReader(REPEATS), "log.csv")) {
      assertThatThrownBy(() -> DistinctRows.read(log, OnRepeat.FAIL))
          .isInstanceOf(RoutingLogFormatException.class)
          .hasMessage("log.csv line 4: id 'q1' again (first on line 2)");
    }
  }
}
