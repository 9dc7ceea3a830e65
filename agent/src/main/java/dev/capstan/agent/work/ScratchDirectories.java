package dev.capstan.agent.work;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Owner-only working directories under the temp dir that the agent's engines write (Helm's charts, kustomize's
 * checkouts), each marked with the agent's pid, so that those an agent killed with {@code kill -9} left behind are
 * removed by the next one.
 */
public final class ScratchDirectories {
    private static final String OWNER = "owner.pid";

    private ScratchDirectories() {
    }

    /** A new directory named {@code prefix...}, after removing those of the same prefix whose agent is gone. */
    public static Path create(String prefix) {
        removeStale(prefix);
        try {
            Path dir = Files.createTempDirectory(prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(dir.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a working directory " + prefix + "...", e);
        }
    }

    /** Deletes {@code dir} and everything under it; nothing when it is not there. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeStale(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).forEach(dir -> {
                try {
                    long pid = Long.parseLong(Files.readString(dir.resolve(OWNER)).trim());
                    if (ProcessHandle.of(pid).isEmpty()) {
                        delete(dir);
                    }
                } catch (IOException | NumberFormatException | UncheckedIOException e) {
                    // Not ours, or still being created: leave it.
                }
            });
        } catch (IOException e) {
            // No temp dir to list: nothing to remove.
        }
    }
}
