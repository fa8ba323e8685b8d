package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.Contracts;
import dev.gatestream.serdes.IncompatibleSchemaException;
import dev.gatestream.serdes.RegistryException;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real registry enforces BACKWARD compatibility on Gatestream's subjects. */
@ExtendWith(GatestreamStackExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchemaCompatibilityIT {

  private final SchemaRegistryAdmin registry;

  SchemaCompatibilityIT(StackEndpoints stack) {
    registry = new SchemaRegistryAdmin(stack.registryUrl(), Duration.ofSeconds(10));
  }

  @Test
  void incompatibleChangeIsRejectedAndCompatibleOneAccepted() {
    String subject = TestNames.unique("compat-requests") + "-value";
    Schema v1 = Contracts.schemaOf(InferenceRequest.class);
    int v1Id = registry.register(subject, v1);
    registry.setCompatibility(subject, "BACKWARD");

    Schema requiredFieldAdded =
        withField(v1, "{\"name\":\"priority\",\"type\":\"int\",\"doc\":\"required, no default\"}");
    assertThatThrownBy(() -> registry.register(subject, requiredFieldAdded))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageStartingWith("schema for subject '" + subject + "' is incompatible")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

    Schema optionalFieldAdded =
        withField(
            v1,
            "{\"name\":\"priority\",\"type\":[\"null\",\"int\"],\"default\":null,\"doc\":\"optional\"}");
    int v2Id = registry.register(subject, optionalFieldAdded);
    assertThat(v2Id).isNotEqualTo(v1Id);
    assertThat(registry.schemaById(v2Id)).isEqualTo(optionalFieldAdded);
    // Registering what is already there is idempotent.
    assertThat(registry.register(subject, v1)).isEqualTo(v1Id);
  }

  @Test
  void aRegistryThatIsDownIsNamedInOneLine() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SchemaRegistryAdmin down =
        new SchemaRegistryAdmin("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2));
    assertThatThrownBy(down::subjects)
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(
            "schema registry at http://127.0.0.1:" + closedPort + " is not reachable");
  }

  private static Schema withField(Schema schema, String fieldJson) {
    String json = schema.toString();
    int fieldsStart = json.indexOf("\"fields\":[") + "\"fields\":[".length();
    return new Schema.Parser()
        .parse(json.substring(0, fieldsStart) + fieldJson + "," + json.substring(fieldsStart));
  }
}
