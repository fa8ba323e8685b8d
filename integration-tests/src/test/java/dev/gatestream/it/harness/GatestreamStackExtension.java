package dev.gatestream.it.harness;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * THE integration-test harness: gives every test class the same running broker + registry, as a
 * {@link StackEndpoints} parameter (test methods, lifecycle methods, constructors), and to tests of
 * outages a {@link StackOutages} that stops and starts them.
 *
 * <pre>{@code
 * @ExtendWith(GatestreamStackExtension.class)
 * class MyIT {
 *     @Test
 *     void works(StackEndpoints stack) { ... stack.bootstrapServers() ... stack.registryUrl() ... }
 * }
 * }</pre>
 *
 * <p>The stack is chosen once per test JVM, started on first use and stopped when the JUnit run
 * ends:
 *
 * <ol>
 *   <li>env {@code GATESTREAM_BOOTSTRAP} set: that external cluster, registry from {@code
 *       GATESTREAM_REGISTRY_URL} (then required);
 *   <li>else a Docker engine reachable: Testcontainers with the images of {@link ContainerImages};
 *   <li>else an ephemeral {@link dev.gatestream.stack.LocalStack} on free ports, data under {@code
 *       integration-tests/target/}, deleted at the end.
 * </ol>
 *
 * Tests share the stack, so they must use {@link TestNames#unique} for topics, groups and
 * application ids.
 */
public final class GatestreamStackExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(GatestreamStackExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    holder(context).stack();
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == StackEndpoints.class || type == StackOutages.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    TestStack stack;
    try {
      stack = holder(extensionContext).stack();
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("no test stack: " + e.getMessage(), e);
    }
    if (parameterContext.getParameter().getType() == StackOutages.class) {
      // Stopping a cluster this JVM did not start is not a test's business.
      Assumptions.assumeTrue(
          stack.outages().isPresent(),
          "outages need the ephemeral local stack, not " + stack.describe());
      return stack.outages().get();
    }
    return stack.endpoints();
  }

  /**
   * In the ROOT store: one per JUnit run (= per test JVM under failsafe), closed when the run ends.
   */
  private static StackHolder holder(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(StackHolder.class, key -> new StackHolder(), StackHolder.class);
  }

  /**
   * Starts the stack at most once; remembers a failure so that later classes fail fast with the
   * same message.
   */
  static final class StackHolder implements AutoCloseable {

    private TestStack stack;
    private RuntimeException failure;

    synchronized TestStack stack() {
      if (stack == null && failure == null) {
        try {
          stack = start();
          System.out.println("[gatestream-it] test stack: " + stack.describe());
        } catch (RuntimeException e) {
          failure = e;
          System.out.println("[gatestream-it] test stack failed to start: " + e.getMessage());
        }
      }
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
      return stack;
    }

    private static TestStack start() {
      String bootstrap = System.getenv(ExternalStack.ENV_BOOTSTRAP);
      if (bootstrap != null && !bootstrap.isBlank()) {
        return ExternalStack.fromEnvironment(
            bootstrap, System.getenv(ExternalStack.ENV_REGISTRY_URL));
      }
      if (ContainersStack.dockerAvailable()) {
        return ContainersStack.start();
      }
      return EphemeralLocalStack.start();
    }

    @Override
    public synchronized void close() {
      if (stack != null) {
        TestStack s = stack;
        stack = null;
        s.close();
        System.out.println("[gatestream-it] test stack stopped");
      }
    }
  }
}
