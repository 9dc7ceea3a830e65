package dev.capstan.agent.helmrepo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Fetched chart archives on disk, addressed by their sha256 ({@code archives/sha256-<hex>.tgz}), and what each
 * reference resolved to ({@code refs/<hash of the reference>} holds the archive's digest). A version once fetched is
 * read from here and needs no repository; an archive whose bytes no longer match its name is dropped and fetched
 * again. Written by rename, so a crash leaves whole files only.
 */
final class ChartCache {
    private final Path archives;
    private final Path refs;

    ChartCache(Path dir) {
        try {
            this.archives = ownerOnly(dir.resolve("archives"));
            this.refs = ownerOnly(dir.resolve("refs"));
        } catch (IOException e) {
            throw new UncheckedIOException("chart cache " + dir + " cannot be created", e);
        }
    }

    Optional<FetchedArchive> resolved(ChartReference ref) {
        Path file = refs.resolve(Digests.hex(ref.cacheKey().getBytes(StandardCharsets.UTF_8)));
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String digest = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return Digests.valid(digest) ? archive(digest) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    Optional<FetchedArchive> archive(String digest) {
        Path file = archives.resolve(digest.replace(':', '-') + ".tgz");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            if (!Digests.sha256(bytes).equals(digest)) {
                Files.deleteIfExists(file);
                return Optional.empty();
            }
            return Optional.of(new FetchedArchive(digest, bytes));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void store(ChartReference ref, FetchedArchive archive) {
        try {
            write(archives.resolve(archive.digest().replace(':', '-') + ".tgz"), archive.bytes());
            write(refs.resolve(Digests.hex(ref.cacheKey().getBytes(StandardCharsets.UTF_8))),
                    archive.digest().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // Not kept: the next render fetches it again.
        }
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), ".part-", "");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path ownerOnly(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its own defaults apply.
        }
        return dir;
    }
}
