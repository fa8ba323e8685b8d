package dev.gatestream.gateway;

import dev.gatestream.config.GatestreamConfig;
import java.util.Map;

/**
 * The router's bounds on a request, checked at the gateway too: what the router would dead-letter
 * is answered 400 at once instead of being sent.
 */
record RequestLimits(int maxTextChars, int maxAttributes, int maxAttributesChars) {

  static RequestLimits from(GatestreamConfig config) {
    return new RequestLimits(
        config.getInt(GatestreamConfig.ROUTER_MAX_TEXT_CHARS),
        config.getInt(GatestreamConfig.ROUTER_MAX_ATTRIBUTES),
        config.getInt(GatestreamConfig.ROUTER_MAX_ATTRIBUTES_CHARS));
  }

  void check(GatewayRequest request) throws BadRequestException {
    if (request.text() != null && request.text().length() > maxTextChars) {
      throw new BadRequestException(
          "'text' has "
              + request.text().length()
              + " characters, more than "
              + GatestreamConfig.ROUTER_MAX_TEXT_CHARS
              + " ("
              + maxTextChars
              + ")");
    }
    Map<String, String> attributes = request.attributes();
    if (attributes.size() > maxAttributes) {
      throw new BadRequestException(
          attributes.size()
              + " attributes, more than "
              + GatestreamConfig.ROUTER_MAX_ATTRIBUTES
              + " ("
              + maxAttributes
              + ")");
    }
    long chars =
        attributes.entrySet().stream()
            .mapToLong(entry -> entry.getKey().length() + (long) entry.getValue().length())
            .sum();
    if (chars > maxAttributesChars) {
      throw new BadRequestException(
          "attributes of "
              + chars
              + " characters, more than "
              + GatestreamConfig.ROUTER_MAX_ATTRIBUTES_CHARS
              + " ("
              + maxAttributesChars
              + ")");
    }
  }
}
