package dev.capstan.agent.repo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only view of a GitOps repository's files at one point: a commit's tree, or a directory on disk for the CLI.
 * Paths are relative with {@code /} separators. Symbolic links are never followed: repository content is untrusted.
 */
public interface RepoTree {
    /**
     * What one directory's files ({@link #files}: a chart, a manifest directory) may hold in all. The bound is on
     * the whole, not on one file (a chart's CRD template can be over 1 MiB): a tree that points hundreds of entries at
     * one big blob — a few hundred bytes in git — must not be read into the agent's heap.
     */
    int MAX_TREE_BYTES = 16 * 1024 * 1024;

    /** Any one file may be at most this large (the whole directory's bound). */
    int MAX_FILE_BYTES = MAX_TREE_BYTES;

    Optional<byte[]> read(String path);

    /** Names of the directories directly under {@code dir}, sorted. Empty if {@code dir} does not exist. */
    List<String> directories(String dir);

    /** Every regular file under {@code dir} (recursively), keyed by path relative to {@code dir}. */
    Map<String, byte[]> files(String dir);

    /**
     * An id that changes exactly when the content under {@code path} changes (git's tree or blob id); empty where
     * the tree cannot tell cheaply (a directory on disk), which means "assume changed".
     */
    default java.util.Optional<String> contentId(String path) {
        return java.util.Optional.empty();
    }

    /**
     * The paths of the files that differ between {@code earlier} and this tree (added, removed or changed), or empty
     * when this tree cannot compare itself with {@code earlier} cheaply or too much changed: then assume everything
     * did. Lets a cycle touch only what a commit changed.
     */
    default Optional<java.util.Set<String>> changedSince(RepoTree earlier) {
        return Optional.empty();
    }

    /** Symbolic links under {@code dir} (relative to it): never followed, never read, but worth a lint warning. */
    default List<String> links(String dir) {
        return List.of();
    }

    /**
     * What a whole checkout ({@link #writeTo}) may hold: a kustomization may reach any file of the repository, so
     * the bound is on the repository, not on one directory.
     */
    long MAX_CHECKOUT_BYTES = 256L * 1024 * 1024;

    /** At most this many files in a checkout. */
    int MAX_CHECKOUT_FILES = 100_000;

    /**
     * Writes every regular file of the tree under {@code dir} (which must be empty), streaming, never a link: the
     * checkout an engine that reads files itself (kustomize) works in. Refuses a tree over
     * {@link #MAX_CHECKOUT_BYTES} or {@link #MAX_CHECKOUT_FILES}.
     */
    CheckoutSize writeTo(java.nio.file.Path dir);

    /**
     * As {@link #writeTo(java.nio.file.Path)}, starting from the checkout of {@code earlier} (a tree of the same
     * repository) in {@code earlierDir}, of {@code earlierSize}: what the two trees share is hard-linked from it, only
     * what changed is written. A tree that cannot compare itself with {@code earlier} writes everything.
     */
    default CheckoutSize writeTo(java.nio.file.Path dir, RepoTree earlier, java.nio.file.Path earlierDir,
                                 CheckoutSize earlierSize) {
        return writeTo(dir);
    }

    /** What a checkout holds: bytes and files (an upper bound after {@link #writeTo(java.nio.file.Path, RepoTree,
     * java.nio.file.Path, CheckoutSize)}, which does not subtract what it removed). */
    record CheckoutSize(long bytes, int files) {
        /** Throws when this is more than a checkout may hold, naming {@code at}. */
        public CheckoutSize checked(String at) {
            if (files > MAX_CHECKOUT_FILES || bytes > MAX_CHECKOUT_BYTES) {
                throw new RepoContentException("the repository holds more than " + MAX_CHECKOUT_FILES
                        + " files or " + (MAX_CHECKOUT_BYTES >> 20) + " MiB (at " + at + ")");
            }
            return this;
        }

        public CheckoutSize plus(long moreBytes) {
            return new CheckoutSize(bytes + moreBytes, files + 1);
        }
    }

    /** A short description for messages: a commit id or a directory. */
    String describe();
}
