package dev.gatestream.app.evaluate;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.gates.GateSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The candidate policy as {@code --policy} writes it: {@code uniform}, {@code always:EXPERT}, or a
 * gate, {@code KIND[:KEY=VALUE,...]}, where KIND is a {@code router.gate} kind and each KEY a
 * router setting without its {@code router.gate.} or {@code router.} prefix ({@code
 * softmax-top-k:k=1,exploration=none}). A gate candidate is the router as the configuration plus
 * these settings would build it.
 */
public sealed interface CandidateSpec {

  /** Always the one expert. */
  record Always(String expert) implements CandidateSpec {}

  /** One expert uniformly at random among each request's candidates. */
  record Uniform() implements CandidateSpec {}

  /**
   * @param settings full configuration keys and values, router.gate among them
   */
  record Gate(Map<String, String> settings) implements CandidateSpec {}

  public static CandidateSpec parse(String text) {
    String spec = text == null ? "" : text.strip();
    if (spec.equals("uniform")) {
      return new Uniform();
    }
    if (spec.startsWith("always:")) {
      String expert = spec.substring("always:".length()).strip();
      if (expert.isEmpty()) {
        throw new IllegalArgumentException(
            "--policy always: needs an expert, e.g. always:gpt-4-1106-preview");
      }
      return new Always(expert);
    }
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon).strip();
    try {
      GateSpec.Kind.fromId(kind);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--policy '"
              + spec
              + "': expected uniform, always:EXPERT or a gate kind"
              + " (bandit, knn, task-rules, softmax-top-k, top-p, sigmoid, success-predictor) with optional"
              + " :KEY=VALUE,...");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(GatestreamConfig.ROUTER_GATE, kind);
    if (colon >= 0) {
      for (String pair : spec.substring(colon + 1).split(",")) {
        int equals = pair.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException(
              "--policy '" + spec + "': '" + pair.strip() + "' is not KEY=VALUE");
        }
        settings.put(
            settingKey(pair.substring(0, equals).strip(), spec),
            pair.substring(equals + 1).strip());
      }
    }
    return new Gate(settings);
  }

  private static String settingKey(String key, String spec) {
    for (String prefix : new String[] {"router.gate.", "router."}) {
      if (GatestreamConfig.isKnown(prefix + key)) {
        return prefix + key;
      }
    }
    throw new IllegalArgumentException(
        "--policy '"
            + spec
            + "': '"
            + key
            + "' is not a router setting (a"
            + " router.gate.* or router.* key without that prefix, e.g. k, margin, exploration, exploration.temperature)");
  }
}
