package dev.gatestream.clients;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;

/**
 * Gives every service of an {@link AccessMatrix} its principal on a secured cluster: a SCRAM user
 * (its password kept across runs, so running stages stay connected), the matrix's ACLs, and a
 * settings file per service in a credentials directory, which {@link KafkaClients#as} reads. Run as
 * a super user; running it again changes nothing but what the matrix changed.
 */
public final class PrincipalProvisioner {

  private static final Pattern PASSWORD = Pattern.compile("password=\"([^\"]+)\"");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ITERATIONS = 4096;

  private final Admin superUser;
  private final Duration timeout;

  /**
   * @param superUser an admin client authenticated as a super user
   */
  public PrincipalProvisioner(Admin superUser, Duration timeout) {
    this.superUser = superUser;
    this.timeout = timeout;
  }

  /**
   * @param prefix the deployment's topic prefix, which user names start with
   * @param common client settings every service shares ({@code kafka.security.protocol}, the
   *     truststores, ...), as Gatestream keys
   * @param credentialsDir where each service's {@code <service>.properties} is written
   */
  public void provision(
      AccessMatrix matrix, String prefix, Map<String, String> common, Path credentialsDir) {
    List<UserScramCredentialUpsertion> users = new ArrayList<>();
    Map<ServicePrincipal, String> passwords =
        new TreeMap<>((a, b) -> a.service().compareTo(b.service()));
    for (ServicePrincipal principal : matrix.principals()) {
      Path file = credentialsDir.resolve(principal.fileName());
      String password = existingPassword(file).orElseGet(PrincipalProvisioner::newPassword);
      passwords.put(principal, password);
      users.add(
          new UserScramCredentialUpsertion(
              principal.userName(prefix),
              new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
              password));
    }
    await(superUser.alterUserScramCredentials(new ArrayList<>(users)).all(), "create SCRAM users");
    await(superUser.createAcls(matrix.bindings()).all(), "create ACLs");
    passwords.forEach(
        (principal, password) ->
            write(
                credentialsDir.resolve(principal.fileName()),
                settings(common, principal.userName(prefix), password)));
  }

  /** A service's settings: the shared ones and its SCRAM login. */
  static Map<String, String> settings(Map<String, String> common, String user, String password) {
    Map<String, String> settings = new TreeMap<>(common);
    settings.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    settings.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    return settings;
  }

  private static Optional<String> existingPassword(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      return Optional.empty();
    }
    Matcher m = PASSWORD.matcher(props.getProperty("kafka.sasl.jaas.config", ""));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String newPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void write(Path file, Map<String, String> settings) {
    Properties props = new Properties();
    props.putAll(settings);
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        props.store(out, "Written by 'gatestream stack up --secure'; rewritten on every up.");
      }
      try {
        Files.setPosixFilePermissions(
            file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // the credentials directory's own protection applies
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private void await(KafkaFuture<Void> future, String what) {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot " + what + " within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
