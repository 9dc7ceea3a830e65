package dev.capstan.agent.cli;

import picocli.CommandLine.Parameters;

/** The {@code <chart> <env>} a unit command works on. */
final class UnitArguments {
    @Parameters(index = "0", paramLabel = "<chart>", description = "The chart.")
    String chart;

    @Parameters(index = "1", paramLabel = "<env>", description = "The environment.")
    String env;

    /** The agent API path of an action on this unit. */
    String actionPath(String action) {
        return "/api/releases/" + chart + "/" + env + "/" + action;
    }
}
