package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
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
}
