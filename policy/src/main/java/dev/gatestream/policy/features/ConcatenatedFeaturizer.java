package dev.gatestream.policy.features;

import dev.gatestream.policy.RoutingInput;
import java.util.ArrayList;
import java.util.List;

/** The blocks of a {@link FeatureSpec}, each featurized by its own featurizer, laid end to end. */
final class ConcatenatedFeaturizer implements Featurizer {

  private final String name;
  private final List<Featurizer> blocks;
  private final int dimension;

  ConcatenatedFeaturizer(String name, List<Featurizer> blocks) {
    this.name = name;
    this.blocks = List.copyOf(blocks);
    this.dimension = blocks.stream().mapToInt(Featurizer::dimension).sum();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    float[] features = new float[dimension];
    int offset = 0;
    for (Featurizer block : blocks) {
      float[] part = block.featurize(input);
      System.arraycopy(part, 0, features, offset, part.length);
      offset += part.length;
    }
    return features;
  }

  /** Block by block, so a model-backed block (MiniLM) still embeds the whole batch in one call. */
  @Override
  public List<float[]> featurizeAll(List<RoutingInput> inputs) {
    List<float[]> features = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      features.add(new float[dimension]);
    }
    int offset = 0;
    for (Featurizer block : blocks) {
      List<float[]> parts = block.featurizeAll(inputs);
      for (int i = 0; i < parts.size(); i++) {
        System.arraycopy(parts.get(i), 0, features.get(i), offset, block.dimension());
      }
      offset += block.dimension();
    }
    return features;
  }

  @Override
  public void close() {
    blocks.forEach(Featurizer::close);
  }
}
