package dev.gatestream.clients;

import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Lays a service's settings file from {@code client.credentials.dir} over a configuration. Only
 * client settings ({@code kafka.*}, {@code registry.*}) may be in it: a credentials file must not
 * change what a stage does.
 */
public final class ServiceCredentials {

  private ServiceCredentials() {}

  public static GatestreamConfig apply(GatestreamConfig config, ServicePrincipal principal) {
    String dir = config.getString(GatestreamConfig.CLIENT_CREDENTIALS_DIR);
    if (dir.isBlank()) {
      return config;
    }
    Path file = Path.of(dir).resolve(principal.fileName());
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the client settings of service '"
              + principal.service()
              + "' from "
              + file
              + " ("
              + GatestreamConfig.CLIENT_CREDENTIALS_DIR
              + "): "
              + e.getMessage());
    }
    Map<String, Object> values = new HashMap<>(config.originals());
    for (String key : props.stringPropertyNames()) {
      if (!isClientSetting(key)) {
        throw new ConfigException(
            file + ": '" + key + "' is not a client setting (kafka.* or registry.*)");
      }
      values.put(key, props.getProperty(key));
    }
    return new GatestreamConfig(values);
  }

  private static boolean isClientSetting(String key) {
    return GatestreamConfig.isKnown(key)
        && (key.startsWith(GatestreamConfig.KAFKA_PREFIX) || key.startsWith("registry."));
  }
}
