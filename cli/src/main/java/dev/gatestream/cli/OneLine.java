package dev.gatestream.cli;

import dev.gatestream.app.UserError;
import dev.gatestream.app.flink.FlinkRestException;
import dev.gatestream.serdes.RegistryException;
import dev.gatestream.stack.StackException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

/** Turns an exception into the one line a person needs: what went wrong, without a stack trace. */
final class OneLine {

  private OneLine() {}

  static String of(Throwable exception) {
    String message = exception.getMessage();
    if (exception instanceof ConfigException) {
      return "bad configuration: " + flat(message);
    }
    if (exception instanceof StackException
        || exception instanceof RegistryException
        || exception instanceof KafkaException
        || exception instanceof UserError
        || exception instanceof FlinkRestException
        || exception instanceof IllegalArgumentException) {
      return flat(message);
    }
    return exception.getClass().getSimpleName()
        + ": "
        + flat(message)
        + " (run with --verbose for details)";
  }

  private static String flat(String message) {
    return message == null ? "(no message)" : message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
