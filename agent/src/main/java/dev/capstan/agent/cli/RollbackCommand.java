package dev.capstan.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code capstan rollback <chart> <env> [--revision N]}: asks the running agent to roll back and pin. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll a unit back to a stored revision (default: the previous good one) and pin it there"
                + " until a newer commit changes the unit or 'capstan resume' is run. The running agent does the"
                + " work from its release records; git is not needed.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the agent accepted the rollback",
            "1:no such unit or revision, or nothing to roll back to",
            "2:agent unreachable or usage error"})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private UnitArguments unit = new UnitArguments();

    @Option(names = "--revision", paramLabel = "N", description = "The revision to return to.")
    private Integer revision;

    @Mixin
    private AgentApiOptions api = new AgentApiOptions();

    @Override
    public Integer call() {
        if (revision != null && revision < 1) {
            spec.commandLine().getErr().println("capstan rollback: --revision must be 1 or more");
            return CapstanCli.USAGE;
        }
        String body = revision == null ? "" : "{\"revision\":" + revision + "}";
        return UnitActionCommand.send(spec.commandLine().getOut(), spec.commandLine().getErr(), api, "rollback",
                unit.actionPath("rollback"), body);
    }
}
