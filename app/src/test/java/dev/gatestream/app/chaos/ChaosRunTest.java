package dev.gatestream.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.replay.ReplayItem;
import dev.gatestream.app.replay.ReplaySources;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import dev.gatestream.experts.replay.ReplayBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosRunTest {

  @Test
  void goesRoundAShortLogWithIdsOfItsOwnThatNameTheLoggedRow(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.csv"), "id,prompt,task,a,b\nq0,x,t,1,0\nq1,y,t,0,1\nq2,z,t,1,1\n");
    List<ReplayItem> items =
        ChaosRun.cycled(ReplaySources.log(file, "log", null, null, OnRepeat.SKIP).rows(), 7);

    assertThat(items)
        .extracting(ReplayItem::id)
        .containsExactly("q0", "q1", "q2", "q0#1", "q1#1", "q2#1", "q0#2");
    assertThat(items.get(4).request().getAttributes())
        .containsEntry(ReplayBackend.ID_ATTRIBUTE, "q1");
    assertThat(items.get(4).request().getText()).isEqualTo("y");
  }

  @Test
  void takesTheFirstRowsOfALongLogUnderTheirLoggedIds(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.csv"), "id,prompt,task,a,b\nq0,x,t,1,0\nq1,y,t,0,1\nq2,z,t,1,1\n");
    List<ReplayItem> items =
        ChaosRun.cycled(ReplaySources.log(file, "log", null, null, OnRepeat.SKIP).rows(), 2);

    assertThat(items).extracting(ReplayItem::id).containsExactly("q0", "q1");
  }
}
