package dev.gatestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirectoryTest {

  @Test
  void isCreatedUnderItsParentAndDeletedWithEverythingInItOnClose(@TempDir Path parent)
      throws Exception {
    Path path;
    try (WorkDirectory work = WorkDirectory.create(parent.resolve("scratch"), "gatestream-test")) {
      path = work.path();
      assertThat(path).isDirectory().hasParent(parent.resolve("scratch"));
      assertThat(path.getFileName().toString()).startsWith("gatestream-test");
      Files.createDirectories(path.resolve("state/router/0_1"));
      Files.writeString(path.resolve("state/router/0_1/store.sst"), "bytes");
    }

    assertThat(path).doesNotExist();
    assertThat(parent.resolve("scratch")).isEmptyDirectory();
  }

  @Test
  void isDeletedWhenTheWorkFails(@TempDir Path parent) {
    Path[] path = new Path[1];
    try (WorkDirectory work = WorkDirectory.create(parent, "gatestream-test")) {
      path[0] = work.path();
      Files.writeString(work.path().resolve("log.csv"), "id\n");
      throw new IllegalStateException("the run failed");
    } catch (Exception e) {
      assertThat(e).hasMessage("the run failed");
    }

    assertThat(path[0]).doesNotExist();
  }

  @Test
  void closingWhatIsAlreadyGoneIsFine(@TempDir Path parent) throws Exception {
    WorkDirectory work = WorkDirectory.create(parent, "gatestream-test");
    Files.delete(work.path());

    work.close();

    assertThat(parent).isEmptyDirectory();
  }
}
