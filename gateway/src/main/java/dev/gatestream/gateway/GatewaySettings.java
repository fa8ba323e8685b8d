package dev.gatestream.gateway;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * How the gateway's HTTP side serves, from the {@code gateway.*} settings.
 *
 * @param port 0 for any free port
 * @param defaultDeadlineMs the deadline of requests that name none
 * @param readTimeout how long a connection may send nothing while its request is read
 * @param minRequestDataRate slowest body upload, bytes per second (0: any)
 * @param tls the keystore to serve HTTPS with, empty for plain HTTP
 */
record GatewaySettings(
    String host,
    int port,
    int maxConcurrent,
    int maxConcurrentPerClient,
    long defaultDeadlineMs,
    int threads,
    int maxConnections,
    Duration readTimeout,
    long minRequestDataRate,
    BearerTokens tokens,
    Optional<Tls> tls,
    RequestLimits limits) {

  record Tls(String keystorePath, String keystorePassword, String keystoreType) {}

  static GatewaySettings from(GatestreamConfig config) {
    String keystore = config.getString(GatestreamConfig.GATEWAY_TLS_KEYSTORE_PATH);
    Optional<Tls> tls =
        keystore.isBlank()
            ? Optional.empty()
            : Optional.of(
                new Tls(
                    keystore,
                    value(config.getPassword(GatestreamConfig.GATEWAY_TLS_KEYSTORE_PASSWORD)),
                    config.getString(GatestreamConfig.GATEWAY_TLS_KEYSTORE_TYPE)));
    return new GatewaySettings(
        config.getString(GatestreamConfig.GATEWAY_HOST),
        config.getInt(GatestreamConfig.GATEWAY_PORT),
        config.getInt(GatestreamConfig.GATEWAY_MAX_CONCURRENT),
        config.getInt(GatestreamConfig.GATEWAY_MAX_CONCURRENT_PER_CLIENT),
        config.getLong(GatestreamConfig.GATEWAY_DEFAULT_DEADLINE_MS),
        config.getInt(GatestreamConfig.GATEWAY_THREADS),
        config.getInt(GatestreamConfig.GATEWAY_MAX_CONNECTIONS),
        Duration.ofMillis(config.getLong(GatestreamConfig.GATEWAY_READ_TIMEOUT_MS)),
        config.getLong(GatestreamConfig.GATEWAY_MIN_REQUEST_DATA_RATE),
        BearerTokens.parse(value(config.getPassword(GatestreamConfig.GATEWAY_AUTH_TOKENS))),
        tls,
        RequestLimits.from(config));
  }

  private static String value(Password password) {
    return password == null ? null : password.value();
  }
}
