package dev.gatestream.policy.gates;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable expert → value map over the pool's names and a per-decision array: a decision builds
 * no hash map and boxes a value only when someone reads it.
 */
final class ExpertValues extends AbstractMap<String, Double> {

  private final ExpertPool pool;
  private final double[] values;

  /** Takes ownership of values: nobody may change the array afterwards. */
  ExpertValues(ExpertPool pool, double[] values) {
    this.pool = pool;
    this.values = values;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return pool.indexByName.containsKey(key);
  }

  @Override
  public Double get(Object key) {
    Integer index = pool.indexByName.get(key);
    return index == null ? null : values[index];
  }

  @Override
  public Set<Map.Entry<String, Double>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public Iterator<Map.Entry<String, Double>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Map.Entry<String, Double> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(pool.names[i], values[i]);
          }
        };
      }
    };
  }
}
