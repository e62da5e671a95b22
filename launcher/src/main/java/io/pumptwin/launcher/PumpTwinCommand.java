package io.pumptwin.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pumptwin} command; {@code bin/pumptwin} runs this class. */
@Command(name = "pumptwin", mixinStandardHelpOptions = true, version = "pumptwin 0.1.0-SNAPSHOT",
    description = "Remote-monitoring backbone for implanted intrathecal baclofen pumps.",
    subcommands = {LocalCommand.class, io.pumptwin.simulator.SimulatorCommand.class,
        io.pumptwin.gateway.device.ProvisionDevice.class,
        io.pumptwin.replay.ReplayCommand.class, io.pumptwin.replay.ExportCommand.class, CommandLine.HelpCommand.class})
public final class PumpTwinCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int exit = new CommandLine(new PumpTwinCommand()).execute(args);
    // `local` returns only on a start-up failure: it blocks until Ctrl-C otherwise.
    System.exit(exit);
  }
}
