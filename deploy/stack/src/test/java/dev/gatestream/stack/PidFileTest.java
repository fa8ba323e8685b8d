package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

  @TempDir Path dir;

  @Test
  void absentFile() {
    PidFile f = new PidFile(dir.resolve("run/broker.pid"));

    assertThat(f.read()).isEmpty();
    assertThat(f.live(List.of("x"))).isEmpty();
  }

  @Test
  void writeCreatesParentAndReadsBack() throws IOException {
    PidFile f = new PidFile(dir.resolve("run/broker.pid"));

    f.write(4242);

    assertThat(Files.readString(f.path()).trim()).isEqualTo("4242");
    assertThat(f.read()).contains(4242L);
    assertThat(dir.resolve("run").toFile().list()).containsExactly("broker.pid");
  }

  @Test
  void garbageIsNoPid() throws IOException {
    Path p = dir.resolve("broker.pid");
    Files.writeString(p, "not a pid\n");

    PidFile f = new PidFile(p);
    assertThat(f.read()).isEmpty();
    assertThat(f.live(List.of())).isEmpty();
  }

  @Test
  void deadPidIsNotLive() throws Exception {
    Process p =
        new ProcessBuilder(javaExe(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    PidFile f = new PidFile(dir.resolve("broker.pid"));
    f.write(p.pid());

    assertThat(f.read()).contains(p.pid());
    assertThat(f.live(List.of())).isEmpty();
    f.delete();
    assertThat(f.path()).doesNotExist();
    f.delete(); // gone already: fine
  }

  @Test
  void liveProcessMatchesOnlyWithAllMarkers() throws Exception {
    String marker = "-Dgatestream.test.marker=" + dir.getFileName();
    Process child =
        new ProcessBuilder(
                javaExe(),
                marker,
                "-cp",
                System.getProperty("java.class.path"),
                SupervisedTestProcess.class.getName(),
                "ready",
                dir.resolve("ready").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      PidFile f = new PidFile(dir.resolve("broker.pid"));
      f.write(child.pid());

      assertThat(f.live(List.of(marker))).map(ProcessHandle::pid).contains(child.pid());
      // same pid, but not our command line (pid reuse): not live
      assertThat(f.live(List.of(marker, "-Dsomething.else=1"))).isEmpty();
      assertThat(f.live(List.of("-Dother=1"))).isEmpty();
      assertThat(child.isAlive()).isTrue();
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void ownProcessHasRss() {
    long rss = Procs.rssBytes(ProcessHandle.current().pid());
    if (Files.isDirectory(Path.of("/proc/self"))) {
      assertThat(rss).isGreaterThan(1024L * 1024L);
    } else {
      assertThat(rss).isEqualTo(-1);
    }
    assertThat(Procs.rssBytes(Long.MAX_VALUE)).isEqualTo(-1);
  }

  private static String javaExe() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
