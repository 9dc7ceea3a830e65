package dev.capstan.agent.model;

/** How a commit is shown to people: its first 12 hex digits, as in every log line, status and record. Pure. */
public final class Commits {
    /** The length of a short commit id. */
    public static final int SHORT = 12;

    private Commits() {
    }

    /** {@code commit}'s first {@link #SHORT} characters (all of it when shorter; {@code null} stays null). */
    public static String shortened(String commit) {
        return commit == null || commit.length() <= SHORT ? commit : commit.substring(0, SHORT);
    }
}
