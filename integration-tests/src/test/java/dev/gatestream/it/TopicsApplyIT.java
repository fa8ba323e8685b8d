package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.serdes.SchemaApplier;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicApplier.Outcome;
import dev.gatestream.topics.TopicApplier.Report;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code topics apply} against a real broker and registry: create, re-check, report drift. */
@ExtendWith(GatestreamStackExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TopicsApplyIT {

  private static final List<String> EXPERTS =
      List.of("meta/llama-2-70b-chat", "gpt-4-1106-preview");
  private final StackEndpoints stack;

  TopicsApplyIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  void createsOnceThenFindsNothingToDo() throws Exception {
    Topics topics = new Topics(TestNames.unique("apply") + "-", 3, (short) 1);
    List<TopicSpec<?, ?>> catalogue = topics.all(EXPERTS);
    try (Admin admin = admin()) {
      TopicApplier applier = new TopicApplier(admin, Duration.ofSeconds(30));
      assertThat(applier.apply(catalogue))
          .extracting(Report::outcome)
          .containsOnly(Outcome.CREATED)
          .hasSize(catalogue.size());
      assertThat(applier.apply(catalogue))
          .extracting(Report::outcome)
          .containsOnly(Outcome.UNCHANGED);

      ConfigResource weights =
          new ConfigResource(ConfigResource.Type.TOPIC, topics.routingWeights().name());
      ConfigEntry cleanup =
          admin
              .describeConfigs(List.of(weights))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(weights)
              .get("cleanup.policy");
      assertThat(cleanup.value()).isEqualTo("compact");
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .contains(topics.expertTasks("meta/llama-2-70b-chat").name());
    }
  }

  @Test
  void reportsDriftInsteadOfIgnoringIt() {
    String prefix = TestNames.unique("drift") + "-";
    try (Admin admin = admin()) {
      TopicApplier applier = new TopicApplier(admin, Duration.ofSeconds(30));
      applier.apply(new Topics(prefix, 2, (short) 1).core());

      List<Report> reports = applier.apply(new Topics(prefix, 4, (short) 1).core());
      Report requests =
          reports.stream()
              .filter(r -> r.topic().equals(prefix + "requests"))
              .findFirst()
              .orElseThrow();
      assertThat(requests.outcome()).isEqualTo(Outcome.DRIFTED);
      assertThat(requests.drift()).containsExactly("partitions: expected 4, found 2");
      // The routing-weights topic has one partition whatever the setting, so it has not drifted.
      assertThat(reports)
          .filteredOn(r -> r.topic().equals(prefix + "routing-weights"))
          .extracting(Report::outcome)
          .containsExactly(Outcome.UNCHANGED);
      int core = new Topics(prefix, 4, (short) 1).core().size();
      assertThat(TopicApplier.summary(reports))
          .isEqualTo(core + " topics: 0 created, 1 unchanged, " + (core - 1) + " drifted");
    }
  }

  @Test
  void registersEveryValueSchemaUnderBackwardCompatibility() {
    Topics topics = new Topics(TestNames.unique("schemas") + "-", 1, (short) 1);
    SchemaRegistryAdmin registry =
        new SchemaRegistryAdmin(stack.registryUrl(), Duration.ofSeconds(10));
    RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
    List<SchemaApplier.Registration> first =
        new SchemaApplier(registry, serdes, "BACKWARD").apply(topics.all(EXPERTS));
    // Every topic but the dead letters (raw bytes) has an Avro value schema.
    assertThat(first).hasSize(topics.all(EXPERTS).size() - 1);
    assertThat(registry.subjects())
        .contains(topics.requests().valueSubject(), topics.routingWeights().valueSubject());
    assertThat(new SchemaApplier(registry, serdes, "BACKWARD").apply(topics.all(EXPERTS)))
        .isEqualTo(first);
    // What a producer's serializer then finds is that same registration.
    byte[] produced =
        serdes
            .valueSerde(topics.requests())
            .serializer()
            .serialize(topics.requests().name(), SampleRecords.request("r1"));
    assertThat(java.nio.ByteBuffer.wrap(produced, 1, 4).getInt()).isEqualTo(first.get(0).id());
    serdes.close();
  }

  private Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
  }
}
