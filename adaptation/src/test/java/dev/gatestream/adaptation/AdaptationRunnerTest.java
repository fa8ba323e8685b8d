package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptationRunnerTest {

  @TempDir
  Path directory;

  private Path checkpoint(String job, String name, long modifiedAt) throws Exception {
    Path metadata = Files.createDirectories(directory.resolve(job).resolve(name)).resolve("_metadata");
    Files.write(metadata, new byte[] {1});
    Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedAt));
    return metadata.getParent();
  }

  @Test
  void restoresTheNewestCompletedCheckpointOfAnyEarlierRun() throws Exception {
    checkpoint("job-1", "chk-7", 1_000);
    Path newest = checkpoint("job-2", "chk-3", 2_000);
    Files.createDirectories(directory.resolve("job-2").resolve("chk-4"));
    Files.createDirectories(directory.resolve("job-2").resolve("shared"));

    assertThat(AdaptationRunner.latestCheckpoint(directory)).contains(newest);
  }

  @Test
  void startsWithoutStateWhenThereIsNoCheckpoint() throws Exception {
    Files.createDirectories(directory.resolve("job-1").resolve("chk-1"));

    assertThat(AdaptationRunner.latestCheckpoint(directory)).isEmpty();
  }
}
