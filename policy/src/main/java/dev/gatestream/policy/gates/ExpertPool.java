package dev.gatestream.policy.gates;

import dev.gatestream.policy.Expert;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The configured experts, by position: every per-expert array in the gates is indexed this way. */
final class ExpertPool {

  final String[] names;
  final double[] prices;
  final Map<String, Integer> indexByName;

  ExpertPool(List<Expert> experts) {
    if (experts == null || experts.isEmpty()) {
      throw new IllegalArgumentException("a gate needs at least one expert");
    }
    names = new String[experts.size()];
    prices = new double[experts.size()];
    indexByName = new HashMap<>();
    for (int i = 0; i < experts.size(); i++) {
      Expert expert = experts.get(i);
      if (!(expert.pricePerCall() >= 0) || Double.isInfinite(expert.pricePerCall())) {
        throw new IllegalArgumentException(
            "expert "
                + expert.name()
                + " has price "
                + expert.pricePerCall()
                + ", expected a finite price >= 0");
      }
      if (indexByName.putIfAbsent(expert.name(), i) != null) {
        throw new IllegalArgumentException("expert " + expert.name() + " is configured twice");
      }
      names[i] = expert.name();
      prices[i] = expert.pricePerCall();
    }
  }

  int size() {
    return names.length;
  }

  int indexOf(String name, String configuredAs) {
    Integer index = indexByName.get(name);
    if (index == null) {
      throw new IllegalArgumentException(
          configuredAs
              + " names expert "
              + name
              + ", which is not among the configured "
              + indexByName.keySet());
    }
    return index;
  }
}
