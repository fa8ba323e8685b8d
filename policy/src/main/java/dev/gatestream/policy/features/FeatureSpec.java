package dev.gatestream.policy.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The router's feature vector: blocks concatenated in the configured order. The router, the learner
 * and {@code evaluate} all read the layout from here, so a weight at index i means the same thing
 * to each of them; {@link #name()} spells the layout out and travels on every routing decision.
 *
 * @param blocks the blocks in order, each at most once
 * @param taskDimension size of the task block: the task label's one-hot index is hashed into it
 * @param vectorDimension size of the hashed-text block, and the length of the numeric block
 * @param projectionDimension 0, or the size the MiniLM block is randomly projected to
 * @param projectionSeed seed of that projection
 */
public record FeatureSpec(
    List<Block> blocks,
    int taskDimension,
    int vectorDimension,
    int projectionDimension,
    long projectionSeed) {

  /** The projection seed every component uses unless told otherwise, so their features agree. */
  public static final long DEFAULT_PROJECTION_SEED = 20_240_601L;

  /** One block of the layout, with its configuration id. */
  public enum Block {
    /**
     * One-hot of the hashed task label; all zeros without a label, so unknown tasks fall back to
     * the rest.
     */
    TASK,
    /** Hashed word and character n-grams of the text, L2-normalized. */
    HASHED,
    /** MiniLM-L6-v2 sentence embedding of the text (384, or projected). */
    MINILM,
    /** The request's own numeric features, as given. */
    NUMERIC,
    /** log(1 + characters of the text) / 10: long prompts tend to be harder. */
    LENGTH;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Block fromId(String id) {
      for (Block block : values()) {
        if (block.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
          return block;
        }
      }
      throw new IllegalArgumentException(
          "unknown feature block '"
              + id.strip()
              + "', expected task, hashed, minilm, numeric or length");
    }
  }

  public FeatureSpec {
    if (blocks == null || blocks.isEmpty()) {
      throw new IllegalArgumentException("at least one feature block is required");
    }
    blocks = List.copyOf(blocks);
    if (blocks.stream().distinct().count() != blocks.size()) {
      throw new IllegalArgumentException("feature blocks " + ids(blocks) + " name a block twice");
    }
    if (taskDimension < 1 || vectorDimension < 1) {
      throw new IllegalArgumentException(
          "block dimensions must be positive, got task "
              + taskDimension
              + " and vector "
              + vectorDimension);
    }
    if (projectionDimension < 0 || projectionDimension >= MiniLmFeaturizer.DIMENSION) {
      throw new IllegalArgumentException(
          "the MiniLM projection must be 0 (none) or below "
              + MiniLmFeaturizer.DIMENSION
              + ", got "
              + projectionDimension);
    }
  }

  /** Parses block ids, e.g. {@code [task, hashed]}. */
  public static FeatureSpec of(
      List<String> blockIds, int taskDimension, int vectorDimension, int projectionDimension) {
    List<Block> parsed = new ArrayList<>();
    blockIds.forEach(id -> parsed.add(Block.fromId(id)));
    return new FeatureSpec(
        parsed, taskDimension, vectorDimension, projectionDimension, DEFAULT_PROJECTION_SEED);
  }

  /** A single block of this size (tests, benchmarks). */
  public static FeatureSpec single(Block block, int dimension) {
    return new FeatureSpec(
        List.of(block),
        block == Block.TASK ? dimension : 1,
        block == Block.HASHED || block == Block.NUMERIC ? dimension : 1,
        0,
        DEFAULT_PROJECTION_SEED);
  }

  public int dimension(Block block) {
    return switch (block) {
      case TASK -> taskDimension;
      case HASHED, NUMERIC -> vectorDimension;
      case MINILM -> projectionDimension > 0 ? projectionDimension : MiniLmFeaturizer.DIMENSION;
      case LENGTH -> 1;
    };
  }

  /** The whole vector's length. */
  public int dimension() {
    return blocks.stream().mapToInt(this::dimension).sum();
  }

  /** Where a block starts in the vector, -1 when the layout lacks it. */
  public int offset(Block block) {
    int offset = 0;
    for (Block each : blocks) {
      if (each == block) {
        return offset;
      }
      offset += dimension(each);
    }
    return -1;
  }

  public boolean has(Block block) {
    return blocks.contains(block);
  }

  /** The layout in one word, e.g. {@code task32+hashed32+length1}; decisions carry it. */
  public String name() {
    StringBuilder name = new StringBuilder();
    for (Block block : blocks) {
      if (!name.isEmpty()) {
        name.append('+');
      }
      name.append(block.id()).append(dimension(block));
      if (block == Block.MINILM && projectionDimension > 0) {
        name.append("-seed-").append(projectionSeed);
      }
    }
    return name.toString();
  }

  private static String ids(List<Block> blocks) {
    return blocks.stream().map(Block::id).toList().toString();
  }
}
