package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackSettingsTest {

  @Test
  void defaults() {
    StackSettings s = StackSettings.defaults(Path.of("/work/gs"));

    assertThat(s.dataDir()).isEqualTo(Path.of("/work/gs/.gatestream"));
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.brokerPort()).isEqualTo(9092);
    assertThat(s.controllerPort()).isEqualTo(9093);
    assertThat(s.registryPort()).isEqualTo(8085);
    assertThat(s.brokerHeapMb()).isEqualTo(256);
    assertThat(s.registryHeapMb()).isEqualTo(256);
    assertThat(s.brokerLibDir()).isEqualTo(Path.of("/work/gs/deploy/broker/target/lib"));
    assertThat(s.registryJar())
        .isEqualTo(Path.of("/work/gs/deploy/registry/target/quarkus-app/quarkus-run.jar"));
  }

  @Test
  void endpoints() {
    LocalStack stack =
        new LocalStack(StackSettings.defaults(Path.of("/work/gs")).withPorts(1, 2, 3));

    assertThat(stack.bootstrapServers()).isEqualTo("127.0.0.1:1");
    assertThat(stack.registryUrl()).isEqualTo("http://127.0.0.1:3");
  }

  @Test
  void rejectsClashingPorts() {
    assertThatThrownBy(() -> StackSettings.defaults(Path.of("/x")).withPorts(9092, 9092, 8085))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StackSettings.defaults(Path.of("/x")).withStartTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneBrokerByDefaultAndItsTopicsHaveOneReplica() {
    StackSettings s = StackSettings.defaults(Path.of("/x"));

    assertThat(s.brokers()).isEqualTo(1);
    assertThat(s.replicationFactor()).isEqualTo(1);
    assertThat(s.minInsyncReplicas()).isEqualTo(1);
  }

  @Test
  void threeBrokersListenTwoPortsApartAndReplicateThriceWithTwoInSync() {
    StackSettings s = StackSettings.defaults(Path.of("/x")).withBrokers(3);

    assertThat(List.of(s.brokerPort(1), s.brokerPort(2), s.brokerPort(3)))
        .containsExactly(9092, 9094, 9096);
    assertThat(List.of(s.controllerPort(1), s.controllerPort(2), s.controllerPort(3)))
        .containsExactly(9093, 9095, 9097);
    assertThat(s.replicationFactor()).isEqualTo(3);
    assertThat(s.minInsyncReplicas()).isEqualTo(2);
    assertThat(StackSettings.defaults(Path.of("/x")).withBrokers(2).minInsyncReplicas())
        .isEqualTo(1);
    assertThat(StackSettings.defaults(Path.of("/x")).withBrokers(5).replicationFactor())
        .isEqualTo(3);
    assertThatThrownBy(() -> s.brokerPort(4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clientsOfThreeBrokersBootstrapFromAll() {
    LocalStack stack = new LocalStack(StackSettings.defaults(Path.of("/x")).withBrokers(3));

    assertThat(stack.bootstrapServers()).isEqualTo("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096");
  }

  @Test
  void rejectsBrokerPortsThatRunIntoOthersAndASecuredCluster() {
    // node 2's broker port would be the registry's
    assertThatThrownBy(
            () -> StackSettings.defaults(Path.of("/x")).withPorts(9092, 9093, 9094).withBrokers(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> StackSettings.defaults(Path.of("/x")).withBrokers(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StackSettings.defaults(Path.of("/x")).withSecure(true).withBrokers(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secured");
  }
}
