package dev.gatestream.policy.features;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import java.util.ArrayList;
import java.util.List;

/** Turns a request into a fixed-length feature vector for the gates. */
public interface Featurizer extends AutoCloseable {

  String name();

  int dimension();

  /**
   * @throws InvalidInputException when the input lacks what this featurizer needs, or is malformed
   */
  float[] featurize(RoutingInput input);

  /** Many inputs at once; featurizers that run a model override this to batch. */
  default List<float[]> featurizeAll(List<RoutingInput> inputs) {
    List<float[]> features = new ArrayList<>(inputs.size());
    inputs.forEach(input -> features.add(featurize(input)));
    return features;
  }

  @Override
  default void close() {}
}
