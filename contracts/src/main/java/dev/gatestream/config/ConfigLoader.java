package dev.gatestream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * Layers configuration: the properties file, then {@code GATESTREAM_*} environment variables, then
 * explicit overrides (CLI flags), each later layer winning. Unknown keys are an error, not ignored;
 * {@code kafka.*} keys pass through to the Kafka clients ({@code GATESTREAM_KAFKA_SASL_MECHANISM}
 * sets {@code kafka.sasl.mechanism}: Kafka's own settings have no underscores).
 */
public final class ConfigLoader {

  private static final String KAFKA_VARIABLE_PREFIX =
      GatestreamConfig.environmentVariable(GatestreamConfig.KAFKA_PREFIX);

  private final Map<String, String> environment;

  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static ConfigLoader fromSystemEnvironment() {
    return new ConfigLoader(System.getenv());
  }

  /**
   * @param file properties file, or null for none; a named file that does not exist is an error
   * @param overrides values given on the command line
   */
  public GatestreamConfig load(Path file, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    if (file != null) {
      values.putAll(readFile(file));
    }
    Set<String> names = GatestreamConfig.definition().names();
    for (String key : names) {
      String fromEnvironment = environment.get(GatestreamConfig.environmentVariable(key));
      if (fromEnvironment != null) {
        values.put(key, fromEnvironment);
      }
    }
    environment.forEach(
        (variable, value) -> {
          if (variable.startsWith(KAFKA_VARIABLE_PREFIX)
              && variable.length() > KAFKA_VARIABLE_PREFIX.length()) {
            values.put(
                GatestreamConfig.KAFKA_PREFIX
                    + variable
                        .substring(KAFKA_VARIABLE_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.'),
                value);
          }
        });
    values.putAll(overrides);
    for (String key : values.keySet()) {
      if (!GatestreamConfig.isKnown(key)) {
        throw new ConfigException(
            "unknown setting '"
                + key
                + "'; known settings: "
                + String.join(", ", new TreeSet<>(names))
                + ", and kafka.* and registry.client.* client settings");
      }
    }
    return new GatestreamConfig(values);
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> values.put(name, properties.getProperty(name).trim()));
    return values;
  }
}
