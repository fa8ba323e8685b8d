package dev.gatestream.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gatestream} command. Errors are one line on stderr and exit code 2. */
@Command(
    name = "gatestream",
    mixinStandardHelpOptions = true,
    // --help and --version on every subcommand too, which their own error lines point to
    scope = CommandLine.ScopeType.INHERIT,
    version = "gatestream 0.1.0-SNAPSHOT",
    description =
        "Routed inference on streams: route requests to experts over Kafka, fuse their answers,"
            + " learn the routing from feedback.",
    subcommands = {
      StackCommand.class,
      TopicsCommand.class,
      AdaptationCommand.class,
      UpCommand.class,
      RunCommand.class,
      BenchCommand.class,
      ChaosCommand.class,
      ScaleCommand.class,
      RequestCommand.class,
      InspectCommand.class,
      StatusCommand.class,
      ReplayCommand.class,
      EvaluateCommand.class,
      PolicyCommand.class,
      ScoreCommand.class,
      DemoCommand.class,
      ConfigCommand.class
    })
public final class GatestreamCli implements Runnable {

  /** Exit code of a command that could not do its work because of its input or environment. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling, for embedding and tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new GatestreamCli());
    commandLine.setExecutionExceptionHandler(
        (exception, cli, parseResult) -> {
          PrintWriter err = cli.getErr();
          err.println("gatestream: " + OneLine.of(exception));
          if (verbose(parseResult)) {
            exception.printStackTrace(err);
          }
          err.flush();
          return EXIT_USAGE;
        });
    commandLine.setParameterExceptionHandler(
        (exception, args) -> {
          PrintWriter err = exception.getCommandLine().getErr();
          err.println(
              "gatestream: "
                  + exception.getMessage()
                  + " (see: gatestream "
                  + exception.getCommandLine().getCommandName()
                  + " --help)");
          err.flush();
          return EXIT_USAGE;
        });
    return commandLine;
  }

  private static boolean verbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult level = parseResult; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
