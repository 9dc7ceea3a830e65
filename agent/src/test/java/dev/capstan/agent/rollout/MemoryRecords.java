package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.RecordStorage;
import dev.capstan.agent.cluster.StoredRecord;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Records kept in memory, encoded as Secrets encode them; each write gives its record a new version, as the API
 * server does.
 */
public final class MemoryRecords implements RecordStorage {
    private final Map<String, StoredRecord> records = new TreeMap<>();
    private long versions;

    @Override
    public String namespace() {
        return "capstan-system";
    }

    @Override
    public synchronized void create(String name, Map<String, String> labels, Map<String, byte[]> entries) {
        if (records.containsKey(name)) {
            throw new IllegalStateException("record " + name + " exists");
        }
        put(name, labels, entries);
    }

    @Override
    public synchronized void put(String name, Map<String, String> labels, Map<String, byte[]> entries) {
        records.put(name, StoredRecord.of(name, Long.toString(++versions), labels, entries));
    }

    @Override
    public synchronized void update(String name, String entry, byte[] value) {
        StoredRecord record = records.get(name);
        if (record == null) {
            throw new IllegalStateException("no record " + name);
        }
        Map<String, String> data = new HashMap<>(record.data());
        data.put(entry, Base64.getEncoder().encodeToString(value));
        records.put(name, new StoredRecord(name, Long.toString(++versions), record.labels(), data));
    }

    @Override
    public synchronized List<StoredRecord> list(Map<String, String> labels) {
        List<StoredRecord> matching = new ArrayList<>();
        for (StoredRecord record : records.values()) {
            if (record.labels().entrySet().containsAll(labels.entrySet())) {
                matching.add(record);
            }
        }
        return matching;
    }

    @Override
    public synchronized Optional<StoredRecord> get(String name) {
        return Optional.ofNullable(records.get(name));
    }

    @Override
    public synchronized void delete(String name) {
        records.remove(name);
    }
}
