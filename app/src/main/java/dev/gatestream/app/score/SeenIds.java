package dev.gatestream.app.score;

import dev.gatestream.app.WorkDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The request ids of an input seen so far, to refuse a second row with the same id. Kept in an
 * embedded RocksDB in a scratch directory, deleted on close, not on the heap: a run over millions
 * of rows holds a bounded memtable and block cache, not every id. Nothing in it needs to survive
 * the process: a resumed run validates every row again, in order.
 */
final class SeenIds implements AutoCloseable {

  private static final long WRITE_BUFFER_BYTES = 8L << 20;
  private static final long BLOCK_CACHE_BYTES = 8L << 20;
  private static final byte[] PRESENT = new byte[0];

  static {
    RocksDB.loadLibrary();
  }

  private final WorkDirectory directory;
  private final LRUCache cache;
  private final Options options;
  private final WriteOptions writes;
  private final RocksDB ids;

  private SeenIds(
      WorkDirectory directory, LRUCache cache, Options options, WriteOptions writes, RocksDB ids) {
    this.directory = directory;
    this.cache = cache;
    this.options = options;
    this.writes = writes;
    this.ids = ids;
  }

  /** An empty set in a new directory under {@code parent}. */
  static SeenIds open(Path parent) {
    WorkDirectory directory = WorkDirectory.create(parent, "gatestream-score-ids-");
    LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
    Options options =
        new Options()
            .setCreateIfMissing(true)
            .setWriteBufferSize(WRITE_BUFFER_BYTES)
            .setMaxWriteBufferNumber(2)
            .setTableFormatConfig(
                new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setCacheIndexAndFilterBlocks(true)
                    // Most ids are new: a filter answers those without reading a block.
                    .setFilterPolicy(new BloomFilter(10)));
    // Scratch that is thrown away with the process: no write-ahead log.
    WriteOptions writes = new WriteOptions().setDisableWAL(true);
    try {
      return new SeenIds(
          directory, cache, options, writes, RocksDB.open(options, directory.path().toString()));
    } catch (RocksDBException e) {
      writes.close();
      options.close();
      cache.close();
      directory.close();
      throw new IllegalStateException(
          "cannot open the set of seen ids in " + directory.path() + ": " + e.getMessage(), e);
    }
  }

  /** Adds the id; false when it was there already. */
  boolean add(String id) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    try {
      if (ids.get(key) != null) {
        return false;
      }
      ids.put(writes, key, PRESENT);
      return true;
    } catch (RocksDBException e) {
      throw new IllegalStateException("the set of seen ids failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    ids.close();
    writes.close();
    options.close();
    cache.close();
    directory.close();
  }
}
