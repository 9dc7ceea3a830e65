package dev.capstan.agent.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the agent's records (releases, incidents) live: Secrets in its own namespace ({@link SecretRecords}), or
 * memory in a test of what the stores decide.
 */
public interface RecordStorage {
    String namespace();

    /** Creates record {@code name} with extra {@code labels} and {@code entries}. */
    void create(String name, Map<String, String> labels, Map<String, byte[]> entries);

    /** Creates or replaces record {@code name}. */
    void put(String name, Map<String, String> labels, Map<String, byte[]> entries);

    /** Replaces one entry of record {@code name}, keeping the others. */
    void update(String name, String entry, byte[] value);

    /** The records carrying {@code labels} (all of them when empty). */
    List<StoredRecord> list(Map<String, String> labels);

    Optional<StoredRecord> get(String name);

    void delete(String name);

    /** Forgets the versions of records it remembers for optimistic updates (a shard just taken over). */
    default void forgetVersions() {
    }
}
