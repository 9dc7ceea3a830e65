package dev.capstan.agent.git;

import dev.capstan.agent.repo.RepoContentException;
import dev.capstan.agent.repo.RepoTree;
import dev.capstan.agent.work.ScratchDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A commit's tree, read straight from the object database: no checkout, so several commits can be read at once
 * (the rollout needs the last good commit while a new one is in flight). Symlinks and submodules are skipped.
 */
public final class GitTree implements RepoTree {
    private final Repository repository;
    private final ObjectId commit;
    private final ObjectId tree;
    private final Map<String, Map<String, String>> listings = new java.util.concurrent.ConcurrentHashMap<>();
    /** The ids among the listed entries that are trees (directories), not blobs. */
    private final java.util.Set<String> directories = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Paths of the regular (and executable) files of the directories listed so far: what {@link #read} reads. */
    private final java.util.Set<String> files = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Entries found by a scan of their unlisted directory, by path. */
    private final Map<String, Entry> scanned = new java.util.concurrent.ConcurrentHashMap<>();
    /** How many distinct entries were scanned for in each unlisted directory. */
    private final Map<String, Integer> scans = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Past this many entries asked of one directory, it is listed: a plan asks about all 5,000 of {@code charts/}
     * (one listing), a commit that changed one chart about one (a scan that builds no map of 5,000 names).
     */
    static final int SCANS_BEFORE_LISTING = 8;

    /** One entry of a directory: its object id, and whether it is a directory or a regular file. */
    private record Entry(String id, boolean directory, boolean file) {
        static final Entry ABSENT = new Entry("absent", false, false);
    }

    GitTree(Repository repository, ObjectId commit, ObjectId tree) {
        this.repository = repository;
        this.commit = commit;
        this.tree = tree;
    }

    public ObjectId commit() {
        return commit;
    }

    /**
     * Found through the parent directory's listing (cached for the commit), not by walking from the root: a plan reads
     * every unit's {@code Chart.yaml}, and a walk through a 5,000-entry {@code charts} tree per read made planning
     * 5,000 apps take 3.8 s.
     */
    @Override
    public Optional<byte[]> read(String path) {
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (name.isEmpty() || parent.startsWith("/") || parent.endsWith("/") || parent.contains("//")) {
            return Optional.empty();
        }
        Entry entry = entry(parent, name);
        if (!entry.file()) {
            return Optional.empty();
        }
        try (ObjectReader reader = repository.newObjectReader()) {
            return Optional.of(readBlob(reader, ObjectId.fromString(entry.id()), path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> contentId(String path) {
        if (path.isEmpty()) {
            return Optional.of(tree.name());
        }
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || parent.startsWith("/") || parent.endsWith("/")
                || parent.contains("//")) {
            return Optional.of("absent");
        }
        // A cycle asks for every unit's chart directory: list each parent once instead of walking from the root
        // (and through a thousand-entry charts tree) once per unit. The commit never changes, so neither does this.
        return Optional.of(entry(parent, name).id());
    }

    /** {@code name} in directory {@code dir}: from its listing if it has one, else a scan of its tree (remembered). */
    private Entry entry(String dir, String name) {
        String path = dir.isEmpty() ? name : dir + "/" + name;
        Map<String, String> listed = listings.get(dir);
        if (listed == null) {
            Entry known = scanned.get(path);
            if (known != null) {
                return known;
            }
            // Counted per entry asked, not per question: a cycle asks about its changed chart several times.
            if (scans.merge(dir, 1, Integer::sum) <= SCANS_BEFORE_LISTING) {
                known = scan(dir, name);
                scanned.put(path, known);
                return known;
            }
            listed = listing(dir);
        }
        String id = listed.get(name);
        return id == null ? Entry.ABSENT : new Entry(id, directories.contains(id), files.contains(path));
    }

    /** Whether {@code dir} was listed in full (for tests: one changed chart of thousands must not list them all). */
    boolean listed(String dir) {
        return listings.containsKey(dir);
    }

    /** Reads {@code dir}'s tree up to {@code name}, comparing names as bytes: nothing kept of the other entries. */
    private Entry scan(String dir, String name) {
        ObjectId id = dir.isEmpty() ? tree : directoryId(dir);
        if (id == null) {
            return Entry.ABSENT;
        }
        byte[] wanted = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] candidate = new byte[wanted.length];
        try (ObjectReader reader = repository.newObjectReader()) {
            org.eclipse.jgit.treewalk.CanonicalTreeParser entries = new org.eclipse.jgit.treewalk
                    .CanonicalTreeParser(null, reader, id);
            for (; !entries.eof(); entries.next(1)) {
                if (entries.getNameLength() != wanted.length) {
                    continue;
                }
                entries.getName(candidate, 0);
                if (java.util.Arrays.equals(candidate, wanted)) {
                    FileMode mode = entries.getEntryFileMode();
                    return new Entry(entries.getEntryObjectId().name(), mode == FileMode.TREE,
                            mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE);
                }
            }
            return Entry.ABSENT;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dir}'s entries, listed once (not computeIfAbsent: listing a directory lists its parent first). */
    private Map<String, String> listing(String dir) {
        Map<String, String> known = listings.get(dir);
        if (known == null) {
            known = entries(dir);
            listings.putIfAbsent(dir, known);
        }
        return known;
    }

    /**
     * The ids of {@code dir}'s direct entries by name; empty when {@code dir} is not a directory of the tree. A
     * directory's tree is found in its parent's listing (cached), so listing every directory of a thousand apps reads
     * each tree object once instead of walking from the root to each.
     */
    private Map<String, String> entries(String dir) {
        ObjectId id = dir.isEmpty() ? tree : directoryId(dir);
        if (id == null) {
            return Map.of();
        }
        try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(id);
            walk.setRecursive(false);
            Map<String, String> entries = new java.util.HashMap<>();
            while (walk.next()) {
                String entry = walk.getObjectId(0).name();
                entries.put(walk.getNameString(), entry);
                if (walk.getFileMode(0) == FileMode.TREE) {
                    directories.add(entry);
                } else if (walk.getFileMode(0) == FileMode.REGULAR_FILE
                        || walk.getFileMode(0) == FileMode.EXECUTABLE_FILE) {
                    files.add(dir.isEmpty() ? walk.getNameString() : dir + "/" + walk.getNameString());
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree of directory {@code dir} (not the root), found in its parent (listed or scanned); null if none. */
    private ObjectId directoryId(String dir) {
        int slash = dir.lastIndexOf('/');
        Entry found = entry(slash < 0 ? "" : dir.substring(0, slash), dir.substring(slash + 1));
        return found.directory() ? ObjectId.fromString(found.id()) : null;
    }

    /** From the cached listing of {@code dir}: no walk from the root through a thousand-entry {@code charts}. */
    @Override
    public List<String> directories(String dir) {
        List<String> result = new ArrayList<>();
        listing(dir).forEach((name, id) -> {
            if (directories.contains(id)) {
                result.add(name);
            }
        });
        result.sort(null);
        return result;
    }

    /**
     * Walks {@code dir}'s own tree, found through its parent's cached listing: a walk from the root filtered to one
     * chart compared its path with every entry of {@code charts/}, so rendering 5,000 apps cost 25 million compares.
     */
    @Override
    public Map<String, byte[]> files(String dir) {
        Map<String, byte[]> result = new TreeMap<>();
        ObjectId id = dir.isEmpty() ? null : directoryId(dir);
        if (id == null) {
            return result;
        }
        try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(id);
            walk.setRecursive(true);
            long total = 0;
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                    String relative = walk.getPathString();
                    String path = dir + "/" + relative;
                    // Sized before it is read: the whole directory's bound is kept without reading past it.
                    total += reader.getObjectSize(walk.getObjectId(0), org.eclipse.jgit.lib.Constants.OBJ_BLOB);
                    if (total > MAX_TREE_BYTES) {
                        throw new RepoContentException(dir + ": its files hold more than " + (MAX_TREE_BYTES >> 20)
                                + " MiB in all (at " + path + ", file " + (result.size() + 1) + ")");
                    }
                    result.put(relative, readBlob(reader, walk.getObjectId(0), path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Past this many changed files a commit is treated as changing everything (a plan reads it all anyway). */
    static final int MAX_CHANGED_PATHS = 1_000;

    /**
     * Walks both trees together, skipping every subtree whose id they share: a commit that changes one file of one
     * of 5,000 charts costs one pass over the two {@code charts} listings, not a walk of 5,000 directories.
     */
    @Override
    public Optional<java.util.Set<String>> changedSince(RepoTree earlier) {
        if (!(earlier instanceof GitTree other) || other.repository != repository) {
            return Optional.empty();
        }
        // A cycle asks twice about the same two commits (to plan, then for the units' sources): walk once.
        Changed known = lastChanged;
        if (known != null && known.earlier() == other) {
            return known.paths();
        }
        Optional<java.util.Set<String>> paths = walkChanges(other);
        lastChanged = new Changed(other, paths);
        return paths;
    }

    /** The last {@link #changedSince} answer, for the tree it compared with. */
    private record Changed(GitTree earlier, Optional<java.util.Set<String>> paths) {
    }

    private volatile Changed lastChanged;

    private Optional<java.util.Set<String>> walkChanges(GitTree other) {
        try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(other.tree);
            walk.addTree(tree);
            walk.setRecursive(true);
            walk.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
            java.util.Set<String> changed = new java.util.HashSet<>();
            while (walk.next()) {
                if (changed.size() == MAX_CHANGED_PATHS) {
                    return Optional.empty();
                }
                changed.add(walk.getPathString());
            }
            return Optional.of(java.util.Set.copyOf(changed));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public CheckoutSize writeTo(java.nio.file.Path dir) {
        try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            CheckoutSize size = new CheckoutSize(0, 0);
            while (walk.next()) {
                if (isFile(walk.getFileMode(0))) {
                    size = write(reader, walk.getObjectId(0), dir, walk.getPathString(), size);
                }
            }
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CheckoutSize writeTo(java.nio.file.Path dir, RepoTree earlier, java.nio.file.Path earlierDir,
                                CheckoutSize earlierSize) {
        if (!(earlier instanceof GitTree other) || other.repository != repository) {
            return writeTo(dir);
        }
        try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            linkAll(earlierDir, dir);
            walk.addTree(other.tree);
            walk.addTree(tree);
            walk.setRecursive(true);
            walk.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
            CheckoutSize size = earlierSize;
            while (walk.next()) {
                String path = walk.getPathString();
                // Never written through: the file is a link to the earlier checkout's.
                java.nio.file.Files.deleteIfExists(dir.resolve(path));
                if (isFile(walk.getFileMode(1))) {
                    size = write(reader, walk.getObjectId(1), dir, path, size);
                }
            }
            return size;
        } catch (IOException e) {
            // A path that is a file in one tree and a directory in the other, a link that failed: write it all.
            ScratchDirectories.delete(dir);
            return writeTo(dir);
        }
    }

    private static boolean isFile(FileMode mode) {
        return mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE;
    }

    private static CheckoutSize write(ObjectReader reader, ObjectId blob, java.nio.file.Path dir, String path,
                                      CheckoutSize before) throws IOException {
        ObjectLoader loader = reader.open(blob);
        CheckoutSize size = before.plus(loader.getSize()).checked(path);
        java.nio.file.Path file = dir.resolve(path);
        java.nio.file.Files.createDirectories(file.getParent());
        try (var out = java.nio.file.Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW)) {
            loader.copyTo(out);
        }
        return size;
    }

    /** Every file under {@code from} hard-linked at the same path under {@code to}. */
    private static void linkAll(java.nio.file.Path from, java.nio.file.Path to) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(from)) {
            for (java.nio.file.Path source : (Iterable<java.nio.file.Path>) walk::iterator) {
                java.nio.file.Path target = to.resolve(from.relativize(source).toString());
                if (java.nio.file.Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    java.nio.file.Files.createDirectories(target);
                } else if (java.nio.file.Files.isRegularFile(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    java.nio.file.Files.createLink(target, source);
                }
            }
        }
    }

    @Override
    public String describe() {
        return commit.abbreviate(12).name();
    }

    private static byte[] readBlob(ObjectReader reader, ObjectId blob, String path) throws IOException {
        ObjectLoader loader = reader.open(blob);
        if (loader.getSize() > MAX_FILE_BYTES) {
            throw new RepoContentException(path + ": file larger than " + MAX_FILE_BYTES + " bytes");
        }
        return loader.getCachedBytes(MAX_FILE_BYTES);
    }
}
