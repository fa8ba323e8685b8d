package dev.gatestream.policy.gates;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Drawing k of n items without replacement, each draw proportional to the remaining items'
 * probabilities (the Plackett–Luce model), and the exact probability that each item is among the k.
 *
 * <p>The inclusion probabilities come from a dynamic program over subsets: P(the first m draws are
 * the set S) = Σ_{j∈S} P(first m−1 draws are S∖{j}) · p_j / (p_j + Σ_{l∉S} p_l). It visits every
 * subset of size ≤ k once, so it is exact but costs about Σ_{m≤k} C(n,m) · n steps: {@link
 * #MAX_SUBSETS} bounds it (all k for n ≤ 17; k ≤ 4 for n ≤ 32; k ≤ 3 up to n = 62).
 */
final class PlackettLuce {

  /** Most subsets the exact inclusion probabilities may visit per decision (a few ms at worst). */
  static final long MAX_SUBSETS = 200_000;

  /** Subsets are bit masks in a long. */
  static final int MAX_ITEMS = 62;

  private PlackettLuce() {}

  /** Subsets of size ≤ k of n items that {@link #inclusionProbabilities} visits. */
  static long subsetCount(int n, int k) {
    if (k <= 1 || k >= n) {
      return n;
    }
    long count = 0;
    long binomial = 1;
    for (int m = 0; m <= k; m++) {
      count += binomial;
      binomial = binomial * (n - m) / (m + 1);
    }
    return count;
  }

  static boolean isTractable(int n, int k) {
    return (k <= 1 || k >= n) || (n <= MAX_ITEMS && subsetCount(n, k) <= MAX_SUBSETS);
  }

  /** Positions of k items drawn from p (which sums to 1) without replacement, in draw order. */
  static int[] sample(double[] p, int k, RandomGenerator random) {
    boolean[] drawn = new boolean[p.length];
    int[] order = new int[k];
    for (int draw = 0; draw < k; draw++) {
      double remaining = 0;
      int lastCandidate = -1;
      for (int i = 0; i < p.length; i++) {
        if (!drawn[i] && p[i] > 0) {
          remaining += p[i];
          lastCandidate = i;
        }
      }
      double target = random.nextDouble() * remaining;
      int chosen = lastCandidate;
      double cumulative = 0;
      for (int i = 0; i < p.length; i++) {
        if (!drawn[i] && p[i] > 0) {
          cumulative += p[i];
          if (target < cumulative) {
            chosen = i;
            break;
          }
        }
      }
      drawn[chosen] = true;
      order[draw] = chosen;
    }
    return order;
  }

  /** P(item i is among the first k draws) for every i; p must be positive and sum to 1. */
  static double[] inclusionProbabilities(double[] p, int k) {
    int n = p.length;
    double[] inclusion = new double[n];
    if (k >= n) {
      Arrays.fill(inclusion, 1);
      return inclusion;
    }
    if (k == 1) {
      return p.clone();
    }
    if (!isTractable(n, k)) {
      throw new IllegalArgumentException(
          "exact inclusion probabilities for "
              + k
              + " of "
              + n
              + " items visit more than "
              + MAX_SUBSETS
              + " subsets");
    }
    long[][] binomial = binomials(n, k);
    double[] previous = {1};
    for (int size = 1; size <= k; size++) {
      double[] current = new double[(int) binomial[n][size]];
      for (long mask = (1L << size) - 1; mask < 1L << n; mask = nextWithSameBitCount(mask)) {
        double rest = 0;
        for (int l = 0; l < n; l++) {
          if ((mask & 1L << l) == 0) {
            rest += p[l];
          }
        }
        double probability = 0;
        for (long bits = mask; bits != 0; bits &= bits - 1) {
          int j = Long.numberOfTrailingZeros(bits);
          long without = mask & ~(1L << j);
          probability += previous[rank(without, binomial)] * p[j] / (p[j] + rest);
        }
        current[rank(mask, binomial)] = probability;
      }
      previous = current;
    }
    for (long mask = (1L << k) - 1; mask < 1L << n; mask = nextWithSameBitCount(mask)) {
      double probability = previous[rank(mask, binomial)];
      for (long bits = mask; bits != 0; bits &= bits - 1) {
        inclusion[Long.numberOfTrailingZeros(bits)] += probability;
      }
    }
    return inclusion;
  }

  /** Gosper's hack: the next larger number with as many set bits. */
  private static long nextWithSameBitCount(long mask) {
    long lowest = mask & -mask;
    long ripple = mask + lowest;
    return (((ripple ^ mask) >>> 2) / lowest) | ripple;
  }

  /**
   * Colex rank of a subset among those of its size: Σ_t C(c_t, t+1) over its sorted members c_t.
   */
  private static int rank(long mask, long[][] binomial) {
    long rank = 0;
    int t = 0;
    for (long bits = mask; bits != 0; bits &= bits - 1) {
      t++;
      rank += binomial[Long.numberOfTrailingZeros(bits)][t];
    }
    return (int) rank;
  }

  private static long[][] binomials(int n, int k) {
    long[][] binomial = new long[n + 1][k + 1];
    for (int i = 0; i <= n; i++) {
      binomial[i][0] = 1;
      for (int j = 1; j <= Math.min(i, k); j++) {
        binomial[i][j] = binomial[i - 1][j - 1] + (j <= i - 1 ? binomial[i - 1][j] : 0);
      }
    }
    return binomial;
  }
}
