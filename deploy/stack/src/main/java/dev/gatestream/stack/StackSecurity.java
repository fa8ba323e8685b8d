package dev.gatestream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The secrets of the secured stack, under {@code dataDir/secure}, made once and kept: a local CA
 * and the TLS key of broker and registry (made with the JDK's keytool), the truststore clients
 * trust, and the passwords of the super user ({@code admin}, SCRAM, for provisioning) and of the
 * KRaft controller listener. Files are readable by their owner only.
 */
public final class StackSecurity {

  /** The super user: creates the services' principals and ACLs. */
  public static final String SUPER_USER = "admin";

  /** The controller listener's own user (SASL/PLAIN, known to the controller only). */
  static final String CONTROLLER_USER = "controller";

  public static final String MECHANISM = "SCRAM-SHA-512";

  private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Path logDir;
  private final String host;

  StackSecurity(Path dataDir, Path logDir, String host) {
    this.dir = dataDir.resolve("secure");
    this.logDir = logDir;
    this.host = host;
  }

  /** Where the stack writes each service's client settings. */
  public Path credentialsDir() {
    return dir.resolve("clients");
  }

  /** PKCS12 truststore with the local CA: what every client trusts. */
  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  /** The password of every store of the stack (they are local files readable by their owner). */
  public String storePassword() {
    return secret("store.password");
  }

  /** PKCS12 keystore with the broker's and registry's key and certificate (CN and SAN: host). */
  Path keystore() {
    return dir.resolve("server.p12");
  }

  String superUserPassword() {
    return secret("admin.password");
  }

  String controllerPassword() {
    return secret("controller.password");
  }

  /**
   * The super user's client settings on the SASL_SSL listener, Kafka's own keys (for an admin
   * client that provisions principals and ACLs).
   */
  public Properties superUserClientProperties() {
    return clientProperties(SUPER_USER, superUserPassword());
  }

  /** Client settings of a SCRAM user on the SASL_SSL listener, Kafka's own keys. */
  public Properties clientProperties(String user, String password) {
    Properties p = new Properties();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", scramJaas(user, password));
    p.put("ssl.truststore.location", truststore().toString());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.password", storePassword());
    return p;
  }

  static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** A TLS context that trusts the local CA (for the stack's own probes of the registry). */
  SSLContext trustingContext() {
    try (InputStream in = Files.newInputStream(truststore())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, storePassword().toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot read the stack's truststore " + truststore() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes what is missing: the directory, the passwords, the CA, the server key, the truststore.
   */
  void ensure() throws StackException {
    try {
      Files.createDirectories(credentialsDir());
      ownerOnly(dir);
      ownerOnly(credentialsDir());
    } catch (IOException e) {
      throw new StackException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    storePassword();
    superUserPassword();
    controllerPassword();
    if (!Files.isRegularFile(keystore()) || !Files.isRegularFile(truststore())) {
      makeCertificates();
    }
  }

  /**
   * A CA, a server key signed by it for {@code host} (also localhost and 127.0.0.1), and a
   * truststore with the CA; all with keytool, so nothing but the JDK is needed.
   */
  private void makeCertificates() throws StackException {
    String pass = storePassword();
    Path ca = dir.resolve("ca.p12");
    Path csr = dir.resolve("server.csr");
    Path serverCrt = dir.resolve("server.crt");
    Path caCrt = dir.resolve("ca.crt");
    for (Path stale : List.of(ca, csr, serverCrt, caCrt, keystore(), truststore())) {
      try {
        Files.deleteIfExists(stale);
      } catch (IOException e) {
        throw new StackException("cannot delete " + stale + ": " + e.getMessage(), e);
      }
    }
    String san = "san=dns:localhost,ip:127.0.0.1" + (isIp(host) ? ",ip:" : ",dns:") + host;
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-dname",
        "CN=gatestream local CA",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "3650",
        "-ext",
        "bc:c",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        pass,
        "-keypass",
        pass);
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-dname",
        "CN=" + host,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "825",
        "-keystore",
        keystore().toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        pass,
        "-keypass",
        pass);
    keytool(
        "-certreq",
        "-alias",
        "server",
        "-keystore",
        keystore().toString(),
        "-storepass",
        pass,
        "-file",
        csr.toString());
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        pass,
        "-infile",
        csr.toString(),
        "-outfile",
        serverCrt.toString(),
        "-ext",
        san,
        "-ext",
        "ku:c=digitalSignature,keyEncipherment",
        "-ext",
        "eku=serverAuth",
        "-validity",
        "825",
        "-rfc");
    keytool(
        "-exportcert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        pass,
        "-rfc",
        "-file",
        caCrt.toString());
    // the CA first, so that keytool can build the chain of the signed certificate
    keytool(
        "-importcert",
        "-alias",
        "ca",
        "-file",
        caCrt.toString(),
        "-keystore",
        keystore().toString(),
        "-storepass",
        pass,
        "-noprompt");
    keytool(
        "-importcert",
        "-alias",
        "server",
        "-file",
        serverCrt.toString(),
        "-keystore",
        keystore().toString(),
        "-storepass",
        pass,
        "-noprompt");
    keytool(
        "-importcert",
        "-alias",
        "ca",
        "-file",
        caCrt.toString(),
        "-keystore",
        truststore().toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        pass,
        "-noprompt");
    try {
      for (Path file : List.of(ca, keystore(), truststore())) {
        ownerOnly(file);
      }
      Files.deleteIfExists(csr);
    } catch (IOException e) {
      throw new StackException("cannot protect the stores in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void keytool(String... args) throws StackException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Path output = logDir.resolve("keytool.out");
    String what = "keytool " + args[0];
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .start();
      process.getOutputStream().close();
      if (!process.waitFor(KEYTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new StackException(what + " did not finish in time; see " + output);
      }
      if (process.exitValue() != 0) {
        throw new StackException(
            what + " failed (exit code " + process.exitValue() + "); see " + output);
      }
    } catch (IOException e) {
      throw new StackException("cannot run " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while running " + what, e);
    }
  }

  /** A secret kept in a file of its own, made (random) on first use. */
  private String secret(String name) {
    Path file = dir.resolve(name);
    try {
      if (Files.isRegularFile(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      }
      Files.createDirectories(dir);
      byte[] bytes = new byte[18];
      RANDOM.nextBytes(bytes);
      String secret = HexFormat.of().formatHex(bytes);
      Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
      ownerOnly(file);
      return secret;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void ownerOnly(Path path) throws IOException {
    try {
      Files.setPosixFilePermissions(
          path,
          PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------" : "rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: the directory's own protection applies
    }
  }

  private static boolean isIp(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }
}
