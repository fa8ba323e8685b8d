package dev.gatestream.app.replay;

import dev.gatestream.adaptation.AdaptationSettings;
import dev.gatestream.app.pipeline.RoutingComponents;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.learning.ExpertFeedback;
import dev.gatestream.policy.learning.PolicyLearner;
import dev.gatestream.streams.router.GateFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The router's gate and the adaptation job's learner in a closed loop over logged rows, without
 * Kafka: for tuning defaults before a live replay measures them. Args: settings as key=value, then
 * logs.
 */
public final class OfflineLoop {

  public static void main(String[] args) throws Exception {
    Map<String, String> values = new HashMap<>();
    List<Path> logs = new ArrayList<>();
    long seed = 0;
    int publishEvery = 50;
    for (String arg : args) {
      if (arg.startsWith("seed=")) {
        seed = Long.parseLong(arg.substring(5));
      } else if (arg.startsWith("publish=")) {
        publishEvery = Integer.parseInt(arg.substring(8));
      } else if (arg.contains("=")) {
        values.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        logs.add(Path.of(arg));
      }
    }
    List<List<WideRoutingLog.Row>> segments = new ArrayList<>();
    List<String> experts = null;
    for (Path log : logs) {
      try (WideRoutingLog routingLog = WideRoutingLog.open(log)) {
        List<WideRoutingLog.Row> rows = new ArrayList<>(routingLog.rows().toList());
        if (seed > 0) {
          Collections.shuffle(rows, new Random(seed));
        }
        segments.add(rows);
        experts = routingLog.experts();
      }
    }
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    GatestreamConfig config = new ConfigLoader(Map.of()).load(null, values);
    Featurizer featurizer = RoutingComponents.featurizer(config);
    GateSpec spec = RoutingComponents.gateSpec(config);
    Map<String, Double> prices = new HashMap<>();
    for (String price : config.getList(GatestreamConfig.EXPERTS_PRICES)) {
      prices.put(
          price.substring(0, price.lastIndexOf('=')),
          Double.parseDouble(price.substring(price.lastIndexOf('=') + 1)));
    }
    List<Expert> pool =
        experts.stream().map(name -> new Expert(name, prices.getOrDefault(name, 0.0))).toList();
    GateFactory factory = RoutingComponents.gateFactory(spec, pool, featurizer.dimension());
    AdaptationSettings settings = AdaptationSettings.from(config);
    PolicyLearner learner = new PolicyLearner(settings.learner(), experts);
    Gate gate = factory.create(null);
    SplittableRandom random = new SplittableRandom(seed + 1);
    long version = 0;
    int step = 0;
    for (List<WideRoutingLog.Row> rows : segments) {
      double quality = 0;
      double cost = 0;
      double secondHalfCost = 0;
      Map<String, Integer> share = new HashMap<>();
      List<float[]> features =
          featurizer.featurizeAll(
              rows.stream()
                  .map(row -> new RoutingInput(row.id(), row.task(), row.prompt(), null, null))
                  .toList());
      for (int i = 0; i < rows.size(); i++) {
        WideRoutingLog.Row row = rows.get(i);
        float[] x = features.get(i);
        List<Choice> chosen =
            gate.select(new RoutingInput(row.id(), row.task(), row.prompt(), null, null), x, random)
                .chosen();
        List<ExpertFeedback> feedback = new ArrayList<>();
        double q = 0;
        for (Choice choice : chosen) {
          double logged = row.quality(choice.expert());
          logged = Double.isNaN(logged) ? 0 : logged;
          double c = row.cost(choice.expert()).orElse(prices.getOrDefault(choice.expert(), 0.0));
          q += choice.gateWeight() * logged;
          cost += c;
          if (i >= rows.size() / 2) {
            secondHalfCost += c;
          }
          share.merge(choice.expert(), 1, Integer::sum);
          feedback.add(new ExpertFeedback(choice.expert(), logged, logged, choice.propensity(), c));
        }
        quality += q;
        learner.update(x, feedback);
        if (++step % publishEvery == 0) {
          version++;
          gate =
              factory.create(
                  new WeightsSnapshot(
                      "p",
                      version,
                      learner.experts(),
                      featurizer.dimension(),
                      learner.parameters(version)));
        }
      }
      String top =
          share.entrySet().stream()
              .sorted((a, b) -> b.getValue() - a.getValue())
              .limit(3)
              .map(e -> e.getKey() + "=" + Math.round(100.0 * e.getValue() / rows.size()) + "%")
              .toList()
              .toString();
      System.out.printf(
          "seed %d: %d rows quality %.4f cost %.6f (2nd half %.6f) %s%n",
          seed,
          rows.size(),
          quality / rows.size(),
          cost / rows.size(),
          secondHalfCost / (rows.size() - rows.size() / 2),
          top);
    }
    featurizer.close();
  }
}
