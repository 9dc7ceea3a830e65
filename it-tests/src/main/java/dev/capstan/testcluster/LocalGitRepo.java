package dev.capstan.testcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A GitOps repository on local disk, driven with the real {@code git} client: a working copy that commits and pushes
 * to a bare "remote" the agent clones from ({@link #url()}). Used by the integration tests and the demo.
 */
public final class LocalGitRepo {
    private final Path work;
    private final Path remote;

    private LocalGitRepo(Path work, Path remote) {
        this.work = work;
        this.remote = remote;
    }

    /** A repository whose first commit is a copy of {@code source} (e.g. examples/), pushed to branch main. */
    public static LocalGitRepo fromDirectory(Path source, Path tempDir) {
        Path work = tempDir.resolve("work");
        Path remote = tempDir.resolve("remote.git");
        copyTree(source, work);
        git(tempDir, "init", "-q", "--bare", "-b", "main", remote.toString());
        git(remote, "config", "http.receivepack", "true");
        git(work, "init", "-q", "-b", "main");
        git(work, "remote", "add", "origin", remote.toUri().toString());
        // So that a plain "git commit && git push" pasted into a fresh shell works (the demo prints one).
        git(work, "config", "user.name", "Capstan Demo");
        git(work, "config", "user.email", "demo@capstan.example");
        LocalGitRepo repo = new LocalGitRepo(work, remote);
        repo.commitAndPush("initial import");
        git(work, "branch", "-q", "--set-upstream-to=origin/main", "main");
        return repo;
    }

    public Path workTree() {
        return work;
    }

    public String url() {
        return remote.toUri().toString();
    }

    /** The bare repository the working copy pushes to (serve it over HTTP or SSH). */
    public Path remote() {
        return remote;
    }

    /** The commit the remote's main branch points at. */
    public String remoteHead() {
        return git(remote, "rev-parse", "refs/heads/main").strip();
    }

    /** Points the working copy's pushes somewhere else (e.g. the HTTP server in front of the bare repository). */
    public void pushTo(String url) {
        git(work, "remote", "set-url", "--push", "origin", url);
    }

    public Path file(String relative) {
        return work.resolve(relative);
    }

    public void write(String relative, String content) {
        try {
            Files.createDirectories(file(relative).getParent());
            Files.writeString(file(relative), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits everything and pushes; returns the new commit id. */
    public String commitAndPush(String message) {
        git(work, "add", "-A");
        git(work, "-c", "user.name=Test Author", "-c", "user.email=author@example.com", "commit", "-q", "-m",
                message);
        git(work, "push", "-q", "origin", "main");
        return git(work, "rev-parse", "HEAD").strip();
    }

    public static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path source, Path target) {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
