package dev.gatestream.policy.features;

import dev.gatestream.policy.RoutingInput;
import java.util.Arrays;
import java.util.Locale;

/**
 * The hashing trick over the lower-cased text: word unigrams and bigrams (words are runs of letters
 * and digits) and character 3- to 5-grams (over the text with whitespace runs collapsed to one
 * space, punctuation kept: it tells code and maths from prose). Each n-gram adds ±1 at its hashed
 * index, the sign taken from a hash bit the index does not use, so collisions cancel out on
 * average; the result is L2-normalized. Optionally the task label is one more token.
 *
 * <p>Needs no model and no vocabulary, so the router and the learner featurize identically forever.
 */
public final class HashedTextFeaturizer implements Featurizer {

  private static final int WORD_SEED = 0x5bd1e995;
  private static final int BIGRAM_SEED = 0x27d4eb2f;
  private static final int CHAR_SEED = 0x165667b1;
  private static final int TASK_SEED = 0x3c6ef372;

  private final int dimension;
  private final boolean includeTask;
  private final int maxTextLength;

  /** Includes the task label; refuses texts over 100,000 characters. */
  public HashedTextFeaturizer(int dimension) {
    this(dimension, true, TextInputs.DEFAULT_MAX_LENGTH);
  }

  public HashedTextFeaturizer(int dimension, boolean includeTask, int maxTextLength) {
    if (dimension < 1) {
      throw new IllegalArgumentException(
          "hashed feature dimension must be positive, got " + dimension);
    }
    this.dimension = dimension;
    this.includeTask = includeTask;
    this.maxTextLength = TextInputs.requirePositiveMaxLength(maxTextLength);
  }

  @Override
  public String name() {
    return "hashed";
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    String text = TextInputs.requireText(input, maxTextLength);
    char[] normalized = normalize(text);
    float[] features = new float[dimension];
    long squaredNorm = addWordGrams(normalized, features) + addCharGrams(normalized, features);
    if (includeTask && input.task() != null && !input.task().isBlank()) {
      char[] task = input.task().toLowerCase(Locale.ROOT).toCharArray();
      squaredNorm += add(Murmur3.hashChars(task, 0, task.length, TASK_SEED), features);
    }
    scaleToUnitLength(features, squaredNorm);
    return features;
  }

  /**
   * Lower-cased, whitespace runs as one space, one space at each end so edge n-grams are marked.
   */
  private static char[] normalize(String text) {
    char[] buffer = new char[text.length() + 2];
    int length = 0;
    buffer[length++] = ' ';
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        if (buffer[length - 1] != ' ') {
          buffer[length++] = ' ';
        }
      } else {
        buffer[length++] = Character.toLowerCase(c);
      }
    }
    if (buffer[length - 1] != ' ') {
      buffer[length++] = ' ';
    }
    return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
  }

  private long addWordGrams(char[] text, float[] features) {
    long squaredNorm = 0;
    int previousWordHash = 0;
    boolean hasPrevious = false;
    int i = 0;
    while (i < text.length) {
      if (!isWordChar(text[i])) {
        i++;
        continue;
      }
      int start = i;
      while (i < text.length && isWordChar(text[i])) {
        i++;
      }
      int wordHash = Murmur3.hashChars(text, start, i, WORD_SEED);
      squaredNorm += add(wordHash, features);
      if (hasPrevious) {
        // Seeding the second word's hash with the first's hashes the pair without building it.
        squaredNorm +=
            add(Murmur3.hashChars(text, start, i, previousWordHash ^ BIGRAM_SEED), features);
      }
      previousWordHash = wordHash;
      hasPrevious = true;
    }
    return squaredNorm;
  }

  /**
   * Char 3-, 4- and 5-grams from each start share their first two-char block, so it is mixed once;
   * each equals {@code Murmur3.hashChars} of the n-gram (the byte length in fmix tells them apart).
   */
  private long addCharGrams(char[] text, float[] features) {
    long squaredNorm = 0;
    for (int start = 0; start + 3 <= text.length; start++) {
      int firstBlock = Murmur3.mixBlock(CHAR_SEED, text[start], text[start + 1]);
      squaredNorm += add(Murmur3.fmix(Murmur3.mixTail(firstBlock, text[start + 2]), 6), features);
      if (start + 4 <= text.length) {
        int secondBlock = Murmur3.mixBlock(firstBlock, text[start + 2], text[start + 3]);
        squaredNorm += add(Murmur3.fmix(secondBlock, 8), features);
        if (start + 5 <= text.length) {
          squaredNorm +=
              add(Murmur3.fmix(Murmur3.mixTail(secondBlock, text[start + 4]), 10), features);
        }
      }
    }
    return squaredNorm;
  }

  // Surrogates count as word characters so emoji and supplementary-plane scripts are not dropped.
  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || Character.isSurrogate(c);
  }

  /**
   * Adds ±1 at the hash's index and returns how much the squared norm grew: values are integer
   * counts until scaled, so (v ± 1)² − v² = ±2v + 1 keeps the norm exactly without a pass over the
   * vector. Multiply-shift maps the low 31 bits onto [0, dimension) without a division; bit 31,
   * unused by the index, picks the sign.
   */
  private long add(int hash, float[] features) {
    int index = (int) (((hash & Integer.MAX_VALUE) * (long) dimension) >>> 31);
    int sign = hash < 0 ? -1 : 1;
    long before = (long) features[index];
    features[index] = before + sign;
    return 2 * sign * before + 1;
  }

  private static void scaleToUnitLength(float[] features, long squaredNorm) {
    // Zero only if every n-gram cancelled out in a tiny dimension: leave it, it is a valid point.
    if (squaredNorm > 0) {
      float scale = (float) (1 / Math.sqrt(squaredNorm));
      for (int i = 0; i < features.length; i++) {
        features[i] *= scale;
      }
    }
  }
}
