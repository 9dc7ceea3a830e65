package dev.capstan.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code capstan} command. Exit codes are shared by every subcommand and listed in {@code --help}. */
@Command(name = "capstan",
        mixinStandardHelpOptions = true,
        versionProvider = CapstanCli.Version.class,
        description = "GitOps sync agent for Kubernetes: render charts, and keep a cluster in sync with git.",
        subcommands = {RenderCommand.class, LintCommand.class, DiffCommand.class, RunCommand.class,
            HistoryCommand.class, IncidentsCommand.class, RollbackCommand.class, ResumeCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a unit failed (render, lint error) or drift was found (diff)",
            "2:usage or configuration error"})
public final class CapstanCli {
    public static final int OK = 0;
    public static final int UNIT_FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) {
            // Before the first logger exists: only the agent logs to stdout; a command's stdout is its output.
            System.setProperty("capstan.log.target", "System.err");
        }
        if (System.getProperty(LogFormat.PROPERTY) == null) {
            System.setProperty(LogFormat.PROPERTY, LogFormat.choose(java.util.List.of(args), LogFormat.onTerminal())
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
        int code = execute(args);
        Logs.flush();
        System.exit(code);
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new CapstanCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(e -> USAGE);
        cli.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println("capstan: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return USAGE;
        });
        return cli.execute(args);
    }

    /** Reads the version the build wrote into the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CapstanCli.class.getPackage().getImplementationVersion();
            return new String[] {"capstan " + (version == null ? "dev" : version)};
        }
    }
}
