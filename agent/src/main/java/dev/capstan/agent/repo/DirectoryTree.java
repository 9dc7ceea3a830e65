package dev.capstan.agent.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A repository checked out on disk (what {@code capstan render <dir>} reads). Links are skipped, not followed. */
public final class DirectoryTree implements RepoTree {
    private final Path root;

    public DirectoryTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Optional<byte[]> read(String path) {
        Path file = resolve(path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(readLimited(file, path));
    }

    @Override
    public List<String> directories(String dir) {
        Path base = resolve(dir);
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(base)) {
            return children.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CheckoutSize writeTo(Path dir) {
        long[] total = {0};
        int[] count = {0};
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                String relative = root.relativize(p).toString().replace('\\', '/');
                if (relative.equals(".git") || relative.startsWith(".git/")) {
                    return;
                }
                total[0] += size(p);
                new CheckoutSize(total[0], ++count[0]).checked(relative);
                try {
                    Path target = dir.resolve(relative);
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CheckoutSize(total[0], count[0]);
    }

    @Override
    public Map<String, byte[]> files(String dir) {
        Path base = resolve(dir);
        Map<String, byte[]> result = new TreeMap<>();
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return result;
        }
        long[] total = {0};
        try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                String relative = base.relativize(p).toString().replace('\\', '/');
                total[0] += size(p);
                if (total[0] > MAX_TREE_BYTES) {
                    throw new RepoContentException(dir + ": its files hold more than " + (MAX_TREE_BYTES >> 20)
                            + " MiB in all (at " + dir + "/" + relative + ")");
                }
                result.put(relative, readLimited(p, dir + "/" + relative));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    @Override
    public List<String> links(String dir) {
        Path base = resolve(dir);
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(Files::isSymbolicLink).map(p -> base.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path resolve(String path) {
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root)) {
            throw new RepoContentException(path + ": path leaves the repository");
        }
        return resolved;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readLimited(Path file, String name) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new RepoContentException(name + ": file larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
