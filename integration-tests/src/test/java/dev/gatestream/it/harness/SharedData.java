package dev.gatestream.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Data the tests read from beside the project (the real routing logs in ../shared/data). When a
 * file is missing, a build on CI (the CI variable set, as CI services set it) fails, so that a
 * broken checkout cannot pass by skipping; a user's clone without the data skips the test, saying
 * why.
 */
public final class SharedData {

  /** What a test does when its shared data is missing. */
  enum WhenMissing {
    FAIL,
    SKIP
  }

  private static final Set<String> NOT_CI = Set.of("", "false", "0");

  private SharedData() {}

  /** The file, if it is there; otherwise fails (CI) or aborts (elsewhere) the calling test. */
  public static Path require(Path file) {
    return require(file, System.getenv());
  }

  static Path require(Path file, Map<String, String> environment) {
    if (Files.isRegularFile(file)) {
      return file;
    }
    String message =
        "the shared data is not beside the project: " + file.toAbsolutePath().normalize();
    if (whenMissing(environment) == WhenMissing.FAIL) {
      return Assertions.fail(message + " (CI is set: the build must have it)");
    }
    return Assumptions.abort(message + " (skipped; CI fails here)");
  }

  static WhenMissing whenMissing(Map<String, String> environment) {
    String ci = environment.get("CI");
    return ci != null && !NOT_CI.contains(ci.strip().toLowerCase(Locale.ROOT))
        ? WhenMissing.FAIL
        : WhenMissing.SKIP;
  }
}
