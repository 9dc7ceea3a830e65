package dev.capstan.agent.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real git client, for tests that make commits on disk. */
public final class TestGit {
    private TestGit() {
    }

    /** Runs {@code git args} in {@code dir}; what it printed (errors included); fails when git does. */
    public static String git(Path dir, String... args) {
        return gitWithInput(dir, null, args);
    }

    /**
     * As {@link #git}, with {@code input} on its standard input; then only its standard output is returned (null:
     * nothing to write, errors merged into what it printed).
     */
    public static String gitWithInput(Path dir, String input, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(input == null)
                    .start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Commits everything in {@code work} and pushes it to {@code origin main}; the new commit's id. */
    public static String commitAndPush(Path work, String message) {
        git(work, "add", "-A");
        git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message);
        git(work, "push", "-q", "origin", "main");
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** The repository of the working copy {@code work} (its {@code .git}), opened with JGit. */
    static org.eclipse.jgit.lib.Repository open(Path work) throws IOException {
        return new org.eclipse.jgit.storage.file.FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile())
                .build();
    }

    /** {@code commit}'s tree, as the agent reads it. */
    static GitTree tree(org.eclipse.jgit.lib.Repository repository, String commit) throws IOException {
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(repository)) {
            org.eclipse.jgit.revwalk.RevCommit parsed = walk.parseCommit(org.eclipse.jgit.lib.ObjectId
                    .fromString(commit));
            return new GitTree(repository, parsed.copy(), parsed.getTree().copy());
        }
    }
}
