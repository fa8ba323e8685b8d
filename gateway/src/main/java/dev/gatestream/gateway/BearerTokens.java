package dev.gatestream.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens that may call the gateway, each under a client name. A token is checked against
 * every known one in constant time (SHA-256 digests compared with {@link MessageDigest#isEqual}),
 * so neither its length nor its first differing byte shows in the answer time.
 */
final class BearerTokens {

  private static final String SCHEME = "Bearer ";

  private record Known(String client, byte[] digest) {}

  private final List<Known> known;

  private BearerTokens(List<Known> known) {
    this.known = List.copyOf(known);
  }

  /** No tokens: every caller is let in, named by its remote address. */
  static BearerTokens none() {
    return new BearerTokens(List.of());
  }

  /**
   * Parses {@code NAME:TOKEN} pairs, comma-separated (validated by the config catalogue); null or
   * blank for none.
   */
  static BearerTokens parse(String pairs) {
    List<Known> known = new ArrayList<>();
    if (pairs != null) {
      for (String pair : pairs.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int colon = pair.indexOf(':');
        known.add(new Known(pair.substring(0, colon).trim(), digest(pair.substring(colon + 1))));
      }
    }
    return new BearerTokens(known);
  }

  boolean required() {
    return !known.isEmpty();
  }

  /**
   * The client whose token the {@code Authorization} header carries; empty when it carries none or
   * an unknown one.
   */
  Optional<String> client(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.empty();
    }
    byte[] presented = digest(authorization.substring(SCHEME.length()).trim());
    String match = null;
    for (Known token : known) {
      // No early exit: every token is compared, whichever matches.
      if (MessageDigest.isEqual(token.digest(), presented)) {
        match = token.client();
      }
    }
    return Optional.ofNullable(match);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
