package dev.capstan.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code capstan resume <chart> <env>}: lifts a quarantine or a pin, so the unit follows git again. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Lift a unit's quarantine or rollback pin: the running agent syncs it to the tracked commit.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the agent accepted",
            "1:no such unit, or it is not quarantined or pinned",
            "2:agent unreachable or usage error"})
final class ResumeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private UnitArguments unit = new UnitArguments();

    @Mixin
    private AgentApiOptions api = new AgentApiOptions();

    @Override
    public Integer call() {
        return UnitActionCommand.send(spec.commandLine().getOut(), spec.commandLine().getErr(), api, "resume",
                unit.actionPath("resume"), "");
    }
}
