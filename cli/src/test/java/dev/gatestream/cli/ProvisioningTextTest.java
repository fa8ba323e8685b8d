package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.Provisioning;
import dev.gatestream.serdes.SchemaApplier;
import dev.gatestream.topics.TopicApplier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProvisioningTextTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void aDriftedTopicIsExitCodeOneWithTheDriftShown() {
    Provisioning.TopicsApplied applied =
        new Provisioning.TopicsApplied(
            List.of(
                new TopicApplier.Report("requests", TopicApplier.Outcome.CREATED, List.of()),
                new TopicApplier.Report(
                    "feedback",
                    TopicApplier.Outcome.DRIFTED,
                    List.of("partitions: 3, catalogue 6"))),
            List.of(new SchemaApplier.Registration("requests-value", 7)),
            "BACKWARD");

    int exit = ProvisioningText.topicsApplied(applied, new PrintWriter(out), new PrintWriter(err));

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "created    requests",
            "drifted    feedback",
            "           drift: partitions: 3, catalogue 6",
            "schema     requests-value (id 7, BACKWARD)",
            "; 1 schemas registered");
    assertThat(err.toString())
        .startsWith("gatestream: some topics differ from the catalogue")
        .hasLineCount(1);
  }

  @Test
  void matchingTopicsAreExitCodeZero() {
    Provisioning.TopicsApplied applied =
        new Provisioning.TopicsApplied(
            List.of(new TopicApplier.Report("requests", TopicApplier.Outcome.UNCHANGED, List.of())),
            List.of(),
            "BACKWARD");

    assertThat(ProvisioningText.topicsApplied(applied, new PrintWriter(out), new PrintWriter(err)))
        .isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void anExistingClusterHasNoStackToStart() {
    ProvisioningText.stackStarted(Optional.empty(), new PrintWriter(out));

    assertThat(out.toString())
        .isEqualTo(
            "bootstrap is set: using the existing cluster, nothing to start"
                + System.lineSeparator());
  }
}
