package dev.gatestream.it;

import dev.gatestream.app.Deployment;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.it.harness.StackEndpoints;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The test stack as the app's jobs take a deployment: its bootstrap and registry, plus a test's
 * settings.
 */
final class StackDeployment {

  private StackDeployment() {}

  static GatestreamConfig config(StackEndpoints stack, Map<String, String> settings) {
    Map<String, String> values = new HashMap<>(settings);
    values.put(GatestreamConfig.BOOTSTRAP, stack.bootstrapServers());
    values.put(GatestreamConfig.REGISTRY_URL, stack.registryUrl());
    return new ConfigLoader(Map.of()).load(null, values);
  }

  /**
   * @param home directory that relative paths of the settings resolve against
   */
  static Deployment of(StackEndpoints stack, Map<String, String> settings, Path home) {
    return new Deployment(config(stack, settings), home);
  }
}
