package dev.gatestream.experts;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The offsets of one assigned partition whose results are not yet acknowledged, so the worker
 * commits only past records that are fully done. Used by the polling thread only; a new instance
 * per assignment, so late acknowledgements of a revoked partition touch nothing that counts.
 */
final class PartitionProgress {

  private final TreeSet<Long> pending = new TreeSet<>();
  private long next = -1;
  private long committed = -1;

  void add(long offset) {
    if (next < 0) {
      // Where this assignment started reading: committing it would be no progress.
      committed = offset;
    }
    pending.add(offset);
    next = Math.max(next, offset + 1);
  }

  void done(long offset) {
    pending.remove(offset);
  }

  /** The offset to commit (the first not done, else past the last seen), if it moved since. */
  OptionalLong committable() {
    if (next < 0) {
      return OptionalLong.empty();
    }
    long offset = pending.isEmpty() ? next : pending.first();
    return offset > committed ? OptionalLong.of(offset) : OptionalLong.empty();
  }

  void committed(long offset) {
    committed = offset;
  }

  /** Forgets a commit that failed, so the next round tries it again. */
  void commitFailed(long offset) {
    if (committed == offset) {
      committed = -1;
    }
  }
}
