package dev.capstan.agent.helm;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Charts written out for Helm's engine, kept and reused while their content is the same: the environments of one
 * chart, and every re-render of it, share one directory instead of writing and deleting the chart each time. At most
 * {@value #CAPACITY} are kept; the least recently used one nobody is rendering from is deleted first.
 */
final class WrittenCharts {
    static final int CAPACITY = 32;

    private final Supplier<Path> newJobDirectory;
    private final Consumer<Path> deleteTree;
    /** In access order: the eldest is the least recently used. */
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry {
        private final Path job;
        private final Path dir;
        private int users;

        private Entry(Path job, Path dir) {
            this.job = job;
            this.dir = dir;
        }
    }

    /** A chart directory in use by one render; closing it lets it be evicted. */
    final class Written implements AutoCloseable {
        private final String key;
        private final Path dir;

        private Written(String key, Path dir) {
            this.key = key;
            this.dir = dir;
        }

        Path dir() {
            return dir;
        }

        @Override
        public void close() {
            release(key);
        }
    }

    /** Writes the chart into {@code dir}. */
    interface Writer {
        void write(Path dir);
    }

    WrittenCharts(Supplier<Path> newJobDirectory, Consumer<Path> deleteTree) {
        this.newJobDirectory = newJobDirectory;
        this.deleteTree = deleteTree;
    }

    /** The directory holding the chart of content {@code key} (written by {@code writer} if not yet). */
    synchronized Written acquire(String key, String chart, Writer writer) {
        Entry entry = entries.get(key);
        if (entry == null) {
            Path job = newJobDirectory.get();
            Path dir = job.resolve(chart);
            try {
                writer.write(dir);
            } catch (RuntimeException e) {
                deleteTree.accept(job);
                throw e;
            }
            entry = new Entry(job, dir);
            entries.put(key, entry);
        }
        entry.users++;
        evict();
        return new Written(key, entry.dir);
    }

    synchronized int size() {
        return entries.size();
    }

    private synchronized void release(String key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            entry.users--;
        }
        evict();
    }

    private void evict() {
        Iterator<Entry> eldestFirst = entries.values().iterator();
        while (entries.size() > CAPACITY && eldestFirst.hasNext()) {
            Entry entry = eldestFirst.next();
            if (entry.users == 0) {
                eldestFirst.remove();
                deleteTree.accept(entry.job);
            }
        }
    }
}
