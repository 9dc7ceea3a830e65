package dev.capstan.agent.git;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.model.PlainCause;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * The tracked branch of one remote, mirrored into a bare clone in the cache dir. Blocking (JGit): call it from a
 * worker thread, never from an event loop. The clone is only a cache; deleting it costs one fresh clone.
 */
public final class GitSource implements AutoCloseable {
    private final AgentConfig.Repo config;
    private final Path directory;
    private final GitCredentials credentials;
    private Git git;

    public GitSource(AgentConfig.Repo config, Path cacheDir) {
        this.config = config;
        this.directory = cacheDir.resolve("repo.git");
        this.credentials = new GitCredentials(config.auth(), cacheDir.resolve("ssh"));
    }

    /** Fetches the tracked branch (cloning on first use) and returns its tip. */
    public synchronized Revision fetch() {
        try {
            Git repo = open();
            String ref = "refs/heads/" + config.branch();
            var fetch = repo.fetch()
                    .setRemote("origin")
                    .setRefSpecs(new RefSpec("+" + ref + ":" + ref))
                    .setRemoveDeletedRefs(true)
                    .setTimeout((int) Math.max(1, config.resilience().timeout().toSeconds()));
            credentials.apply(fetch);
            fetch.call();
            ObjectId head = repo.getRepository().resolve(ref);
            if (head == null) {
                throw new GitSourceException("branch '" + config.branch() + "' not found on the remote"
                        + " (deleted?); keeping the last fetched state", false);
            }
            return revision(repo.getRepository(), head);
        } catch (GitAPIException | org.eclipse.jgit.errors.TransportException e) {
            if (String.valueOf(e.getMessage()).contains("does not have refs/heads/" + config.branch())) {
                // JGit's wording for a branch the remote lacks: an answer, not a connection failure.
                throw new GitSourceException("branch '" + config.branch() + "' not found on the remote"
                        + " (deleted?); keeping the last fetched state", false);
            }
            throw new GitSourceException(fetchFailed(e));
        } catch (ConfigException e) {
            throw new GitSourceException("credentials: " + e.getMessage(), false);
        } catch (IOException e) {
            throw new GitSourceException(fetchFailed(e));
        }
    }

    private Revision revision(Repository repository, ObjectId head) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit commit = walk.parseCommit(head);
            var author = commit.getAuthorIdent();
            CommitInfo info = new CommitInfo(author.getName(), author.getEmailAddress(), author.getWhenAsInstant(),
                    commit.getFullMessage().strip());
            return new Revision(commit.name(), new GitTree(repository, commit.copy(), commit.getTree().copy()), info);
        }
    }

    private Git open() throws IOException, GitAPIException {
        if (git != null) {
            return git;
        }
        if (Files.isDirectory(directory.resolve("objects"))) {
            git = Git.open(directory.toFile());
            String existing = git.getRepository().getConfig().getString("remote", "origin", "url");
            if (config.url().equals(existing)) {
                return git;
            }
            // The configured remote changed: the cache is for another repository, start over.
            git.close();
            git = null;
            deleteRecursively(directory);
        }
        Files.createDirectories(directory);
        git = Git.init().setBare(true).setDirectory(directory.toFile()).call();
        try {
            git.remoteAdd().setName("origin").setUri(new URIish(config.url())).call();
        } catch (URISyntaxException e) {
            throw new GitSourceException("repository URL is not valid");
        }
        return git;
    }

    /** Names the remote (without user-info) and says why in plain words when the cause is a known one. */
    private String fetchFailed(Exception e) {
        String why = PlainCause.known(e).map(plain -> plain + " (" + safeMessage(e) + ")")
                .orElseGet(() -> safeMessage(e));
        return "fetch of branch '" + config.branch() + "' from " + withoutUserInfo(config.url()) + " failed: " + why;
    }

    private static String withoutUserInfo(String url) {
        return url.replaceAll("://[^/@\\s]+@", "://***@");
    }

    private static String safeMessage(Exception e) {
        // JGit messages can embed the remote URL; strip any user-info so credentials never reach a log.
        Throwable root = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null && !message.toString().contains(root.getMessage())) {
                message.append(": ").append(root.getMessage());
            }
        }
        return message.toString().replaceAll("://[^/@\\s]+@", "://***@");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (git != null) {
            git.close();
            git = null;
        }
        credentials.close();
    }
}
