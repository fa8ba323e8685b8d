package dev.gatestream.policy.features;

/**
 * MurmurHash3 (x86, 32-bit) over UTF-16 chars, two chars per 32-bit block, as Guava's {@code
 * hashUnencodedChars}. Works on a slice of a char array so hashing an n-gram allocates nothing.
 */
final class Murmur3 {

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /** Same as hashing {@code new String(chars, from, to - from)}. */
  static int hashChars(char[] chars, int from, int to, int seed) {
    int h1 = seed;
    int i = from + 1;
    for (; i < to; i += 2) {
      int k1 = chars[i - 1] | (chars[i] << 16);
      h1 = mixH1(h1, mixK1(k1));
    }
    if (i == to) {
      h1 ^= mixK1(chars[to - 1]);
    }
    return fmix(h1, 2 * (to - from));
  }

  /** The hash state after one two-char block; finish with {@link #fmix} and the byte length. */
  static int mixBlock(int h1, char first, char second) {
    return mixH1(h1, mixK1(first | (second << 16)));
  }

  /** A trailing lone char, before {@link #fmix}. */
  static int mixTail(int h1, char last) {
    return h1 ^ mixK1(last);
  }

  static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * C2;
  }

  static int mixH1(int h1, int k1) {
    h1 ^= k1;
    h1 = Integer.rotateLeft(h1, 13);
    return h1 * 5 + 0xe6546b64;
  }

  static int fmix(int h1, int length) {
    h1 ^= length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }
}
