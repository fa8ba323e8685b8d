package dev.gatestream.it.harness;

import dev.gatestream.stack.LocalStack;

/**
 * A secured LocalStack of one test class's own (SASL_SSL broker with the standard authorizer, https
 * registry) on free ports: not the shared stack, since its clients need credentials. Stopped and
 * deleted on close.
 */
public final class SecuredTestStack implements AutoCloseable {

  private final EphemeralLocalStack stack;

  private SecuredTestStack(EphemeralLocalStack stack) {
    this.stack = stack;
  }

  public static SecuredTestStack start() {
    return new SecuredTestStack(EphemeralLocalStack.start(true));
  }

  /** The stack, for its settings (ports, data directory) and its secrets. */
  public LocalStack localStack() {
    return stack.localStack();
  }

  public String describe() {
    return "secured " + stack.describe();
  }

  @Override
  public void close() {
    stack.close();
  }
}
