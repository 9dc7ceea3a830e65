package dev.capstan.agent.git;

/** The tip of the tracked branch as last fetched: the commit id and a readable tree at it. */
public record Revision(String commit, GitTree tree, CommitInfo info) {
    public String shortCommit() {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
