package dev.capstan.agent.git;

import java.time.Instant;

/** Who wrote a commit, when, and what it says: the "offending commit" of an incident. */
public record CommitInfo(String author, String email, Instant authoredAt, String message) {
    public static CommitInfo unknown() {
        return new CommitInfo("", "", Instant.EPOCH, "");
    }

    /** The first line of the message. */
    public String subject() {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
