package dev.gatestream.topics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The one mapping between an expert's real name (e.g. {@code meta/llama-2-70b-chat}) and the id
 * used in topic names, metric tags and consumer group ids. Letters, digits and '-' stand as they
 * are; every other byte of the UTF-8 name, '_' included, becomes '_' plus two upper-case hex
 * digits. The mapping is deterministic and reversible, and never yields '.', so topic names cannot
 * collide in Kafka's metric names (which treat '.' and '_' alike).
 */
public final class ExpertId {

  /** Kafka's limit on topic names, less room for the longest topic prefix we put before an id. */
  public static final int MAX_LENGTH = 200;

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private ExpertId() {}

  public static String of(String expertName) {
    if (expertName == null || expertName.isBlank()) {
      throw new IllegalArgumentException("expert name must not be blank");
    }
    StringBuilder id = new StringBuilder(expertName.length() + 8);
    for (byte b : expertName.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (isKept(c)) {
        id.append(c);
      } else {
        id.append('_').append(HEX.toHexDigits(b));
      }
    }
    if (id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "expert name '"
              + expertName
              + "' is too long for a topic"
              + " name: its id has "
              + id.length()
              + " characters, at most "
              + MAX_LENGTH
              + " allowed");
    }
    return id.toString();
  }

  public static String nameOf(String id) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(id.length());
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '_') {
        if (i + 2 >= id.length()) {
          throw new IllegalArgumentException(
              "'"
                  + id
                  + "' is not an expert id: '_' at "
                  + i
                  + " is not followed by two hex digits");
        }
        try {
          bytes.write(HEX.fromHexDigits(id, i + 1, i + 3));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "'" + id + "' is not an expert id: bad escape at " + i);
        }
        i += 2;
      } else if (isKept(c)) {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException("'" + id + "' is not an expert id: '" + c + "' at " + i);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isKept(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
}
