package dev.capstan.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.capstan.agent.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's bearer tokens, read from a mounted file and re-read when it changes (no restart for a rotation). The
 * file is a YAML list: {@code - {name: ci, role: deployer, token: "..."}}. Only SHA-256 digests are kept in memory;
 * a presented token is compared with every entry in constant time. A missing or empty file revokes every token; a
 * file that does not parse keeps the previous tokens (and says so, naming the entry, never a token).
 */
public final class ApiTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MIN_TOKEN_LENGTH = 16;

    /** Who called: the token's name (for logs) and role. */
    public record Caller(String name, Role role) {
    }

    private record Entry(String name, Role role, byte[] digest) {
    }

    private final Path file;
    private final MeterRegistry metrics;
    private volatile List<Entry> entries = List.of();
    private volatile byte[] fileDigest = new byte[0];

    public ApiTokens(Path file, MeterRegistry metrics) {
        this.file = file;
        this.metrics = metrics;
    }

    /**
     * Reads the file if it changed. A missing or empty file means no tokens: every call that needs one is refused
     * (revoking by emptying or deleting the Secret's file works). A file that does not parse keeps the previous
     * tokens. On the first read, a missing or unparsable file throws: the agent must not start.
     */
    public synchronized void reload() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            if (fileDigest.length == 0) {
                throw new ConfigException("api.tokensFile " + file + " cannot be read");
            }
            revokeAll("is gone");
            return;
        } catch (IOException e) {
            fail("api.tokensFile " + file + " cannot be read");
            return;
        }
        byte[] digest = sha256(content);
        if (Arrays.equals(digest, fileDigest)) {
            return;
        }
        if (new String(content, StandardCharsets.UTF_8).isBlank()) {
            fileDigest = digest;
            revokeAll("is empty");
            return;
        }
        try {
            entries = parse(content);
            fileDigest = digest;
            metrics.counter("capstan_api_token_reloads_total", "result", "loaded").increment();
            LOG.info("API tokens loaded from {}: {} tokens", file, entries.size());
        } catch (IllegalArgumentException e) {
            fail("api.tokensFile " + file + ": " + e.getMessage());
        }
    }

    private void revokeAll(String why) {
        if (!entries.isEmpty()) {
            LOG.warn("api.tokensFile {} {}: every token is revoked, the API refuses all calls that need one", file,
                    why);
            metrics.counter("capstan_api_token_reloads_total", "result", "emptied").increment();
        }
        entries = List.of();
        if (why.equals("is gone")) {
            // Any later file, even one identical to the last, is read again.
            fileDigest = new byte[] {0};
        }
    }

    private void fail(String message) {
        if (fileDigest.length == 0) {
            throw new ConfigException(message);
        }
        metrics.counter("capstan_api_token_reloads_total", "result", "rejected").increment();
        LOG.error("{}; keeping the previous tokens", message);
    }

    public Optional<Caller> authenticate(String token) {
        byte[] presented = sha256(token.getBytes(StandardCharsets.UTF_8));
        Entry match = null;
        for (Entry entry : entries) {
            // Every entry is compared, whatever matched: the time taken says nothing about the tokens.
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                match = entry;
            }
        }
        return Optional.ofNullable(match).map(e -> new Caller(e.name(), e.role()));
    }

    static List<Entry> parse(byte[] content) {
        Object root;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(content);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                // Only comments, or an explicit null: no tokens.
                return List.of();
            }
            root = YAML.treeToValue(tree, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid YAML");
        }
        if (!(root instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a list of {name, role, token}");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                throw new IllegalArgumentException("[" + i + "]: expected {name, role, token}");
            }
            String name = text(item, "name", i);
            Role role;
            try {
                role = Role.valueOf(text(item, "role", i).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[" + i + "].role: expected viewer, deployer or admin");
            }
            String token = text(item, "token", i);
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("[" + i + "].token: at least " + MIN_TOKEN_LENGTH + " characters");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("[" + i + "].name: duplicate '" + name + "'");
            }
            entries.add(new Entry(name, role, sha256(token.getBytes(StandardCharsets.UTF_8))));
        }
        return List.copyOf(entries);
    }

    private static String text(Map<?, ?> item, String key, int index) {
        Object value = item.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("[" + index + "]." + key + ": required");
        }
        return value.toString().strip();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
