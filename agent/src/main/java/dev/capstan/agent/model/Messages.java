package dev.capstan.agent.model;

/**
 * Error messages from charts and servers can be huge (a template's {@code include} recursion repeats its stack for
 * ~100 KB): what reaches a status, a log line, a record or an alert is cut to a readable length, keeping its start
 * (what failed, and where) and its end (the innermost cause). Pure.
 */
public final class Messages {
    /** The longest message Capstan repeats. */
    public static final int MAX = 2_000;

    private Messages() {
    }

    /** {@code message} as it is when short enough, else its start and end around a note of what was left out. */
    public static String bounded(String message) {
        if (message == null || message.length() <= MAX) {
            return message;
        }
        int head = MAX * 3 / 4;
        int tail = MAX / 5;
        return message.substring(0, head) + " […" + (message.length() - head - tail) + " characters left out…] "
                + message.substring(message.length() - tail);
    }
}
