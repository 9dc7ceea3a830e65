package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.RecordStorage;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Records kept in memory, encoded as the Secret-backed storage encodes them. */
public final class MemoryRecords implements RecordStorage {
    private final Map<String, Secret> records = new TreeMap<>();

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
        SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).addToLabels(labels).endMetadata();
        entries.forEach((key, value) -> secret.addToData(key, Base64.getEncoder().encodeToString(value)));
        records.put(name, secret.build());
    }

    @Override
    public synchronized void update(String name, String entry, byte[] value) {
        Secret secret = records.get(name);
        if (secret == null) {
            throw new IllegalStateException("no record " + name);
        }
        records.put(name, new SecretBuilder(secret).addToData(entry, Base64.getEncoder().encodeToString(value))
                .build());
    }

    @Override
    public synchronized List<Secret> list(Map<String, String> labels) {
        List<Secret> matching = new ArrayList<>();
        for (Secret secret : records.values()) {
            if (secret.getMetadata().getLabels().entrySet().containsAll(labels.entrySet())) {
                matching.add(secret);
            }
        }
        return matching;
    }

    @Override
    public synchronized Optional<Secret> get(String name) {
        return Optional.ofNullable(records.get(name));
    }

    @Override
    public synchronized void delete(String name) {
        records.remove(name);
    }
}
