package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every command takes. Settings are layered: the config file (--config, or
 * gatestream.properties in the project root if there is one), then GATESTREAM_* variables, then
 * --set and the dedicated flags.
 */
final class GlobalOptions {

  static final String DEFAULT_CONFIG_FILE = "gatestream.properties";

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with Gatestream settings (default: gatestream.properties in the project root, if present).")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set stack.broker.port=19092. Repeatable.")
  Map<String, String> overrides = new HashMap<>();

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of the local stack (setting: bootstrap).")
  String bootstrap;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      description =
          "Use this Apicurio registry instead of the local stack's (setting: registry.url).")
  String registryUrl;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  /**
   * The project root: where ./gatestream lives (passed by the script), else the working directory.
   */
  static Path home() {
    return Path.of(System.getProperty("gatestream.home", ".")).toAbsolutePath().normalize();
  }

  /** Where the command finds Kafka and the registry, from these settings. */
  Deployment deployment() {
    return new Deployment(load(), home());
  }

  GatestreamConfig load() {
    Map<String, String> flags = new HashMap<>(overrides);
    if (bootstrap != null) {
      flags.put(GatestreamConfig.BOOTSTRAP, bootstrap);
    }
    if (registryUrl != null) {
      flags.put(GatestreamConfig.REGISTRY_URL, registryUrl);
    }
    Path file = configFile;
    if (file == null && Files.isRegularFile(home().resolve(DEFAULT_CONFIG_FILE))) {
      file = home().resolve(DEFAULT_CONFIG_FILE);
    }
    return ConfigLoader.fromSystemEnvironment().load(file, flags);
  }
}
