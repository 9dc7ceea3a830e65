package dev.capstan.agent.cli;

import java.util.List;
import java.util.Locale;

/**
 * Chooses the log format before logback starts: JSON lines for machines (the default), readable text on a terminal
 * or with {@code --log-format text}. Pure apart from {@link #onTerminal()}.
 */
final class LogFormat {
    enum Format { JSON, TEXT }

    static final String PROPERTY = "capstan.log.format";

    private LogFormat() {
    }

    /** The format for these arguments: {@code --log-format X} wins, else text when {@code terminal}. */
    static Format choose(List<String> args, boolean terminal) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = arg.startsWith("--log-format=") ? arg.substring("--log-format=".length())
                    : arg.equals("--log-format") && i + 1 < args.size() ? args.get(i + 1) : null;
            if (value != null) {
                try {
                    return Format.valueOf(value.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return Format.JSON; // picocli rejects the value with a proper message
                }
            }
        }
        return terminal ? Format.TEXT : Format.JSON;
    }

    /** Whether stdout is a terminal: {@code Console.isTerminal()} where the JDK has it (22+), else a console. */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
