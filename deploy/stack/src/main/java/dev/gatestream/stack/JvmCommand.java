package dev.gatestream.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start one JVM: its heap, JVM options ({@code -D...}, {@code -XX:...}), what it runs (a
 * main class on a classpath, or a jar) with its arguments, and environment variables added to the
 * inherited ones.
 *
 * @param heapMb -Xmx in MB
 * @param options JVM options, before the main class or jar
 * @param target {@code -cp CLASSPATH MAIN ARGS...} or {@code -jar JAR ARGS...}
 * @param environment variables set for the process, on top of the starting JVM's
 */
record JvmCommand(
    int heapMb, List<String> options, List<String> target, Map<String, String> environment) {

  JvmCommand {
    if (heapMb < 1) {
      throw new IllegalArgumentException("heap must be positive, got " + heapMb + " MB");
    }
    options = List.copyOf(options);
    target = List.copyOf(target);
    environment = Map.copyOf(environment);
  }

  /**
   * {@code mainClass} on {@code classpath} (entries separated as the platform does; {@code dir/*}
   * for a dir of jars).
   */
  static JvmCommand mainClass(int heapMb, String classpath, String mainClass, String... args) {
    List<String> target = new ArrayList<>(List.of("-cp", classpath, mainClass));
    target.addAll(List.of(args));
    return new JvmCommand(heapMb, List.of(), target, Map.of());
  }

  /** An executable jar. */
  static JvmCommand jar(int heapMb, Path jar, String... args) {
    List<String> target = new ArrayList<>(List.of("-jar", jar.toString()));
    target.addAll(List.of(args));
    return new JvmCommand(heapMb, List.of(), target, Map.of());
  }

  /** This command with {@code more} JVM options after the ones it has. */
  JvmCommand withOptions(String... more) {
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of(more));
    return new JvmCommand(heapMb, all, target, environment);
  }

  /** This command with a system property ({@code -Dkey=value}) after its options. */
  JvmCommand withSystemProperty(String key, Object value) {
    return withOptions("-D" + key + "=" + value);
  }

  JvmCommand withEnvironment(String variable, String value) {
    Map<String, String> all = new LinkedHashMap<>(environment);
    all.put(variable, value);
    return new JvmCommand(heapMb, options, target, all);
  }

  /**
   * The command line: the java executable of the running JVM, -Xmx, the options, then the target.
   */
  List<String> commandLine() {
    List<String> line = new ArrayList<>();
    line.add(javaExecutable());
    line.add("-Xmx" + heapMb + "m");
    line.addAll(options);
    line.addAll(target);
    return line;
  }

  private static String javaExecutable() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(java) ? java.toString() : "java";
  }
}
