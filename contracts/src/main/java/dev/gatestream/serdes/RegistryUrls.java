package dev.gatestream.serdes;

/** The registry's APIs under its base URL. */
final class RegistryUrls {

  private RegistryUrls() {}

  static String base(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the schema registry URL is not set (registry.url)");
    }
    String trimmed = url.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  /** Apicurio's own v2 API, which its serdes talk to. */
  static String nativeApi(String base) {
    return base + "/apis/registry/v2";
  }

  /** The Confluent-compatible API. */
  static String confluentApi(String base) {
    return base + "/apis/ccompat/v7";
  }
}
