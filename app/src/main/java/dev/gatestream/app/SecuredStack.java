package dev.gatestream.app;

import dev.gatestream.clients.AccessMatrix;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.PrincipalProvisioner;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.stack.LocalStack;
import dev.gatestream.stack.StackSecurity;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;

/**
 * Gives the services of a deployment their principals on the secured local stack: as the stack's
 * super user, creates the SCRAM users and ACLs of the {@link AccessMatrix} and writes each
 * service's settings file where {@code client.credentials.dir} points.
 */
public final class SecuredStack {

  private SecuredStack() {}

  public static void provision(
      GatestreamConfig config, LocalStack stack, List<String> experts, Duration timeout) {
    StackSecurity security = stack.security().orElseThrow();
    Map<String, Object> asSuperUser = new HashMap<>(config.originals());
    security
        .superUserClientProperties()
        .forEach((key, value) -> asSuperUser.put(GatestreamConfig.KAFKA_PREFIX + key, value));
    // the super user's settings, not a service's file
    asSuperUser.put(GatestreamConfig.CLIENT_CREDENTIALS_DIR, "");
    KafkaClients clients =
        new KafkaClients(new GatestreamConfig(asSuperUser), stack.bootstrapServers());
    try (Admin admin = clients.admin(clients.ids().job("provision", "principals"))) {
      new PrincipalProvisioner(admin, timeout)
          .provision(
              AccessMatrix.of(config, experts),
              config.getString(GatestreamConfig.TOPIC_PREFIX),
              commonSettings(security),
              security.credentialsDir());
    }
  }

  /** What every service's settings share: TLS to the broker and to the registry. */
  static Map<String, String> commonSettings(StackSecurity security) {
    Map<String, String> common = new TreeMap<>();
    String truststore = security.truststore().toString();
    common.put(GatestreamConfig.KAFKA_PREFIX + "security.protocol", "SASL_SSL");
    common.put(GatestreamConfig.KAFKA_PREFIX + "ssl.truststore.location", truststore);
    common.put(GatestreamConfig.KAFKA_PREFIX + "ssl.truststore.type", "PKCS12");
    common.put(GatestreamConfig.KAFKA_PREFIX + "ssl.truststore.password", security.storePassword());
    common.put(GatestreamConfig.REGISTRY_TRUSTSTORE_LOCATION, truststore);
    common.put(GatestreamConfig.REGISTRY_TRUSTSTORE_TYPE, "PKCS12");
    common.put(GatestreamConfig.REGISTRY_TRUSTSTORE_PASSWORD, security.storePassword());
    return common;
  }
}
