package dev.capstan.agent.kustomize;

import dev.capstan.agent.repo.RepoTree;
import dev.capstan.agent.work.ScratchDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The repository as files on disk, for the engine that reads them itself: one checkout per commit (every kustomize
 * unit of a commit shares it), written once, owner-only, in a directory Capstan deletes (or the next agent, after a
 * kill). Checkouts no unit uses beyond the newest {@link #KEPT} are deleted. Thread-safe.
 */
final class RepoCheckouts implements AutoCloseable {
    static final int KEPT = 3;

    private final Path root;
    /** By tree, least recently used first. */
    private final Map<String, Checkout> checkouts = new LinkedHashMap<>(16, 0.75f, true);
    private int next;

    RepoCheckouts() {
        root = ScratchDirectories.create("capstan-kustomize-");
    }

    /**
     * The checkout of {@code tree}, written on first use (from the newest written checkout: only what changed since
     * it is written, the rest hard-linked); close the lease once the build is done.
     */
    Lease lease(RepoTree tree) {
        Checkout checkout;
        Checkout base;
        synchronized (this) {
            // A commit's tree id names its checkout; a directory on disk (the CLI) is read once per tree object.
            String id = tree.contentId("").orElse("directory-" + System.identityHashCode(tree));
            checkout = checkouts.get(id);
            base = checkout != null ? null : newestWritten();
            if (checkout == null) {
                checkout = new Checkout(root.resolve("c" + next++));
                checkouts.put(id, checkout);
            }
            checkout.users++;
            if (base != null) {
                base.users++;
            }
            evict();
        }
        try {
            checkout.writeOnce(tree, base);
        } catch (RuntimeException e) {
            release(checkout);
            throw e;
        } finally {
            if (base != null) {
                release(base);
            }
        }
        return new Lease(this, checkout);
    }

    private Checkout newestWritten() {
        Checkout newest = null;
        for (Checkout candidate : checkouts.values()) {
            if (candidate.isWritten()) {
                newest = candidate;
            }
        }
        return newest;
    }

    private synchronized void release(Checkout checkout) {
        checkout.users--;
        evict();
    }

    /** Deletes the least recently used checkouts nobody uses beyond the newest {@link #KEPT}. */
    private void evict() {
        int excess = checkouts.size() - KEPT;
        for (Iterator<Checkout> it = checkouts.values().iterator(); it.hasNext() && excess > 0; ) {
            Checkout checkout = it.next();
            if (checkout.users == 0) {
                it.remove();
                ScratchDirectories.delete(checkout.dir);
                excess--;
            }
        }
    }

    @Override
    public synchronized void close() {
        checkouts.clear();
        ScratchDirectories.delete(root);
    }

    /** One commit's files on disk. */
    private static final class Checkout {
        private final Path dir;
        private int users;
        private RepoTree tree;
        private volatile RepoTree.CheckoutSize size;

        Checkout(Path dir) {
            this.dir = dir;
        }

        boolean isWritten() {
            return size != null;
        }

        /** Writes {@code tree} here once, from {@code base}'s checkout when there is one. */
        void writeOnce(RepoTree written, Checkout base) {
            RepoTree baseTree = null;
            RepoTree.CheckoutSize baseSize = null;
            if (base != null) {
                synchronized (base) {
                    baseTree = base.tree;
                    baseSize = base.size;
                }
            }
            writeOnce(written, baseTree, base == null ? null : base.dir, baseSize);
        }

        private synchronized void writeOnce(RepoTree written, RepoTree baseTree, Path baseDir,
                                            RepoTree.CheckoutSize baseSize) {
            if (size != null) {
                return;
            }
            try {
                ScratchDirectories.delete(dir);
                Files.createDirectories(dir);
                size = baseTree == null ? written.writeTo(dir) : written.writeTo(dir, baseTree, baseDir, baseSize);
                tree = written;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                ScratchDirectories.delete(dir);
                throw e;
            }
        }
    }

    /** A checkout in use: its root, until closed. */
    static final class Lease implements AutoCloseable {
        private final RepoCheckouts owner;
        private final Checkout checkout;

        private Lease(RepoCheckouts owner, Checkout checkout) {
            this.owner = owner;
            this.checkout = checkout;
        }

        Path root() {
            return checkout.dir;
        }

        @Override
        public void close() {
            owner.release(checkout);
        }
    }
}
