package dev.gatestream.app.source;

/** The offsets [start, end) of one partition that a {@link TopicRange} covers. */
public record OffsetSpan(long start, long end) {

  public OffsetSpan {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "offset span needs 0 <= start <= end, got [" + start + ", " + end + ")");
    }
  }

  public long size() {
    return end - start;
  }

  public boolean isEmpty() {
    return start == end;
  }
}
