package dev.capstan.agent.git;

import dev.capstan.agent.model.Commits;
import dev.capstan.agent.repo.RepoTree;

/** The tip of the tracked branch as last fetched: the commit id and a readable tree at it. */
public record Revision(String commit, RepoTree tree, CommitInfo info) {
    public String shortCommit() {
        return Commits.shortened(commit);
    }
}
