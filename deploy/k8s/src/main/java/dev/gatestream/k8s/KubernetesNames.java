package dev.gatestream.k8s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Kubernetes object names for things Kafka names more freely: topics and experts may hold upper
 * case, '_' and '.', object names may not.
 */
final class KubernetesNames {

  /** The longest name a Service, a pod's hostname or a label value may have. */
  static final int MAX_LABEL = 63;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private KubernetesNames() {}

  static boolean isLabel(String name) {
    return name.length() <= MAX_LABEL && LABEL.matcher(name).matches();
  }

  /**
   * The name itself when Kubernetes allows it as a label, else lower-cased, with every other
   * character turned into '-', cut to fit, and ending in 8 hex digits of the original name's
   * SHA-256: two names that map alike stay distinct.
   */
  static String label(String name) {
    if (isLabel(name)) {
      return name;
    }
    String hash = sha256(name).substring(0, 8);
    String cleaned =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    int room = MAX_LABEL - hash.length() - 1;
    if (cleaned.length() > room) {
      cleaned = cleaned.substring(0, room).replaceAll("-+$", "");
    }
    return cleaned.isEmpty() ? "x-" + hash : cleaned + "-" + hash;
  }

  private static String sha256(String name) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
