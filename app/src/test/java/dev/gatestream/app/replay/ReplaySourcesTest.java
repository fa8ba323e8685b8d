package dev.gatestream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.UserError;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import dev.gatestream.experts.replay.WideRoutingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplaySourcesTest {

  @Test
  void aLogIsEachIdOnceShuffledAndLimitedAsAsked(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("id,prompt,task,a,b\n");
    for (int i = 0; i < 20; i++) {
      csv.append("q").append(i).append(",question ").append(i).append(",t,1,0\n");
    }
    csv.append("q3,question 3 again,t,0,1\n");
    Path file = Files.writeString(dir.resolve("log.csv"), csv);

    ReplayRun.Log all = ReplaySources.log(file, "log", null, null, OnRepeat.SKIP);
    ReplayRun.Log some = ReplaySources.log(file, "some", 5L, 8, OnRepeat.SKIP);

    assertThat(all.name()).isEqualTo("log");
    assertThat(all.experts()).containsExactly("a", "b");
    assertThat(all.rows())
        .hasSize(20)
        .extracting(WideRoutingLog.Row::id)
        .startsWith("q0", "q1", "q2");
    assertThat(all.duplicatesSkipped()).isEqualTo(1);
    assertThat(some.rows())
        .hasSize(8)
        .extracting(WideRoutingLog.Row::id)
        .doesNotHaveDuplicates()
        .isNotEqualTo(all.rows().subList(0, 8).stream().map(WideRoutingLog.Row::id).toList());
    assertThat(ReplaySources.log(file, "again", 5L, 8, OnRepeat.SKIP).rows())
        .extracting(WideRoutingLog.Row::id)
        .isEqualTo(some.rows().stream().map(WideRoutingLog.Row::id).toList());
  }

  @Test
  void aRepeatedIdIsRefusedWhenAskedNamingBothLines(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.csv"), "id,prompt,task,a,b\nq0,x,t,1,1\nq1,y,t,1,1\nq0,x,t,0,0\n");

    assertThatThrownBy(() -> ReplaySources.log(file, "log", null, null, OnRepeat.FAIL))
        .isInstanceOf(UserError.class)
        .hasMessage(file + " line 4: id 'q0' again (first on line 2)");
  }

  @Test
  void aMissingOrMalformedLogIsAUserError(@TempDir Path dir) throws Exception {
    Path broken =
        Files.writeString(
            dir.resolve("broken.csv"), "id,prompt,task,a,b\nq1,hello,t,1,0\nq2,world,t,1,high\n");

    assertThatThrownBy(
            () -> ReplaySources.log(dir.resolve("none.csv"), "none", null, null, OnRepeat.SKIP))
        .isInstanceOf(UserError.class)
        .hasMessage("no such log: " + dir.resolve("none.csv"));
    assertThatThrownBy(() -> ReplaySources.log(broken, "broken", null, null, OnRepeat.SKIP))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("line 3");
  }

  @Test
  void namesTheExpertsThatNoRowGivesAConfidenceFor(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.csv"),
            "id,prompt,task,a,b,b|confidence\nq0,x,t,1,0,\nq1,y,t,0,1,0.7\n");

    assertThat(ReplaySources.log(file, "log", null, null, OnRepeat.SKIP).expertsWithoutConfidence())
        .containsExactly("a");
  }
}
