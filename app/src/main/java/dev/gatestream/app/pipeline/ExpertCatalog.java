package dev.gatestream.app.pipeline;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.policy.Expert;
import dev.gatestream.streams.router.ShadowExperts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * The deployment's experts: those of the experts file, plus every name in 'experts' that the file
 * does not describe, which replays its outcomes from the configured replay log.
 */
public final class ExpertCatalog {

  private ExpertCatalog() {}

  /**
   * @param home directory that relative paths in the configuration are resolved against
   */
  public static List<ExpertSpec> load(GatestreamConfig config, Path home) {
    Map<String, ExpertSpec> specs = new LinkedHashMap<>();
    String file = config.getString(GatestreamConfig.EXPERTS_FILE);
    if (!file.isBlank()) {
      ExpertSpec.load(home.resolve(file)).forEach(spec -> specs.put(spec.name(), spec));
    }
    List<Path> replayLogs =
        config.getList(GatestreamConfig.EXPERTS_REPLAY_LOG).stream().map(home::resolve).toList();
    Map<String, Double> prices = prices(config.getList(GatestreamConfig.EXPERTS_PRICES));
    Set<String> replayed = new HashSet<>();
    for (String name : config.getList(GatestreamConfig.EXPERTS)) {
      if (specs.containsKey(name)) {
        continue;
      }
      if (replayLogs.isEmpty()) {
        throw new ConfigException(
            "expert '"
                + name
                + "' is not in the experts file and no "
                + GatestreamConfig.EXPERTS_REPLAY_LOG
                + " is set for it to replay from");
      }
      specs.put(
          name,
          ExpertSpec.replayDefaults(name, replayLogs)
              .withPrice(prices.getOrDefault(name, ExpertSpec.DEFAULT_PRICE)));
      replayed.add(name);
    }
    prices.keySet().stream()
        .filter(name -> !replayed.contains(name))
        .findFirst()
        .ifPresent(
            name -> {
              throw new ConfigException(
                  GatestreamConfig.EXPERTS_PRICES
                      + " names '"
                      + name
                      + "', which is not a"
                      + " replayed expert (experts in the experts file take their price from there)");
            });
    if (specs.isEmpty()) {
      throw new ConfigException(
          "no experts configured: set 'experts' (with '"
              + GatestreamConfig.EXPERTS_REPLAY_LOG
              + "') or '"
              + GatestreamConfig.EXPERTS_FILE
              + "'");
    }
    return new ArrayList<>(specs.values());
  }

  private static Map<String, Double> prices(List<String> entries) {
    Map<String, Double> prices = new LinkedHashMap<>();
    for (String entry : entries) {
      int split = entry.lastIndexOf('=');
      double price;
      try {
        price = split < 0 ? Double.NaN : Double.parseDouble(entry.substring(split + 1).trim());
      } catch (NumberFormatException e) {
        price = Double.NaN;
      }
      if (!(price >= 0)) {
        throw new ConfigException(
            GatestreamConfig.EXPERTS_PRICES
                + ": '"
                + entry
                + "' is not 'expert=price' with a price in USD >= 0");
      }
      prices.put(entry.substring(0, split).trim(), price);
    }
    return prices;
  }

  /** The experts as the gates see them: name and price. Shadow experts are no gate's to choose. */
  public static List<Expert> forGates(List<ExpertSpec> specs) {
    return specs.stream()
        .filter(spec -> !spec.isShadow())
        .map(spec -> new Expert(spec.name(), spec.pricePerCall()))
        .toList();
  }

  /** The shadow experts as a gate sees them once promoted: name and price. */
  public static List<Expert> shadowsAsExperts(List<ExpertSpec> specs) {
    return specs.stream()
        .filter(ExpertSpec::isShadow)
        .map(spec -> new Expert(spec.name(), spec.pricePerCall()))
        .toList();
  }

  /** The shadow experts, as the router samples them. */
  public static List<ShadowExperts.Shadow> shadows(List<ExpertSpec> specs) {
    return specs.stream()
        .filter(ExpertSpec::isShadow)
        .map(
            spec ->
                new ShadowExperts.Shadow(
                    spec.name(), spec.shadow().rate(), spec.shadow().tasks(), spec.pricePerCall()))
        .toList();
  }
}
