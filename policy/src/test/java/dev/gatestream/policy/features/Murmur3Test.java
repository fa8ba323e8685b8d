package dev.gatestream.policy.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Murmur3Test {

  // Guava's Hashing.murmur3_32_fixed().hashUnencodedChars(...) gives these (little-endian as int).
  @Test
  void matchesTheReferenceImplementation() {
    assertThat(Murmur3.hashChars(new char[0], 0, 0, 0)).isEqualTo(0);
    assertThat(hash("hello", 0)).isEqualTo(guavaHashUnencodedChars("hello", 0));
    assertThat(hash("hello world", 42)).isEqualTo(guavaHashUnencodedChars("hello world", 42));
  }

  @Test
  void hashesASliceLikeTheSameCharsAlone() {
    char[] text = " the quick fox ".toCharArray();
    assertThat(Murmur3.hashChars(text, 5, 10, 7)).isEqualTo(hash("quick", 7));
  }

  @Test
  void blockByBlockMixingEqualsHashingTheSlice() {
    char[] text = "abcde".toCharArray();
    int firstBlock = Murmur3.mixBlock(9, text[0], text[1]);
    int secondBlock = Murmur3.mixBlock(firstBlock, text[2], text[3]);
    assertThat(Murmur3.fmix(Murmur3.mixTail(firstBlock, text[2]), 6)).isEqualTo(hash("abc", 9));
    assertThat(Murmur3.fmix(secondBlock, 8)).isEqualTo(hash("abcd", 9));
    assertThat(Murmur3.fmix(Murmur3.mixTail(secondBlock, text[4]), 10)).isEqualTo(hash("abcde", 9));
  }

  private static int hash(String s, int seed) {
    char[] chars = s.toCharArray();
    return Murmur3.hashChars(chars, 0, chars.length, seed);
  }

  /** Straight transcription of MurmurHash3_x86_32 over the chars' UTF-16LE bytes. */
  private static int guavaHashUnencodedChars(String s, int seed) {
    byte[] data = new byte[s.length() * 2];
    for (int i = 0; i < s.length(); i++) {
      data[2 * i] = (byte) s.charAt(i);
      data[2 * i + 1] = (byte) (s.charAt(i) >>> 8);
    }
    int h1 = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k1 =
          (data[4 * i] & 0xff)
              | (data[4 * i + 1] & 0xff) << 8
              | (data[4 * i + 2] & 0xff) << 16
              | (data[4 * i + 3] & 0xff) << 24;
      k1 *= 0xcc9e2d51;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= 0x1b873593;
      h1 ^= k1;
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int tailLength = data.length & 3;
    if (tailLength > 0) {
      int k1 = 0;
      if (tailLength == 3) {
        k1 ^= (data[tail + 2] & 0xff) << 16;
      }
      if (tailLength >= 2) {
        k1 ^= (data[tail + 1] & 0xff) << 8;
      }
      k1 ^= data[tail] & 0xff;
      k1 *= 0xcc9e2d51;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= 0x1b873593;
      h1 ^= k1;
    }
    h1 ^= data.length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }
}
