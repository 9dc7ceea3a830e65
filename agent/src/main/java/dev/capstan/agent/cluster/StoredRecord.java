package dev.capstan.agent.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One of the agent's records as read from its storage: its name, the version its storage gave it (compared to tell a
 * changed record from one read before), its labels and its entries. Whatever stores records (Secrets in the agent's
 * namespace, or memory in a test) hands these out, so no other room sees how they are kept.
 *
 * @param data each entry base64-encoded, as a Secret holds it: an entry is decoded only when read ({@link #entry}),
 *             so listing release records does not decode every revision's manifests
 */
public record StoredRecord(String name, String version, Map<String, String> labels, Map<String, String> data) {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public StoredRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** A record holding {@code entries} (raw bytes, encoded here). */
    public static StoredRecord of(String name, String version, Map<String, String> labels,
                                  Map<String, byte[]> entries) {
        Map<String, String> data = new HashMap<>();
        entries.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value)));
        return new StoredRecord(name, version, labels, data);
    }

    /** An entry's bytes; empty when the record has no such entry. */
    public Optional<byte[]> entry(String entry) {
        return Optional.ofNullable(data.get(entry)).map(Base64.getDecoder()::decode);
    }

    /** Entry {@code entry} read as JSON of {@code type}; a record that cannot be read says which it is. */
    public <T> T json(String entry, Class<T> type) {
        try {
            return JSON.readValue(entry(entry).orElseThrow(() -> new IOException("no " + entry)), type);
        } catch (IOException e) {
            throw new UncheckedIOException("record " + name + " is unreadable", e);
        }
    }

    /** {@code value} as the JSON an entry holds. */
    public static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
